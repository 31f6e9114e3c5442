#[derive(quarry::Enum, Clone, Debug, PartialEq)]
enum Shape {
    Circle(f64),
    Square,
}

#[derive(quarry::Enum, Clone, Debug, PartialEq)]
#[quarry(integer)]
enum Level {
    Low = 1,
    High,
}

fn main() {}

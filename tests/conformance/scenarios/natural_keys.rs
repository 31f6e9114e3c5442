//! Associations over single-column keys that are not an integer `id`
//! (issue 15): a `String` primary key (`code`), a unique non-key column
//! (`slug`) referenced with `references = "..."`, and foreign keys of those
//! types; preload both ways, `assoc` queries and nested inserts. Table names
//! start with `nk_`.

use crate::harness::{Db, Scenario, R};
use quarry::migration::prelude::*;
use quarry::migration::{Migrator, Target};
use quarry::prelude::*;
use quarry::Error;

pub fn all() -> Vec<Scenario> {
    crate::scenarios![
        natural_string_primary_key_preloads_both_ways,
        natural_non_key_column_is_referenced,
    ]
}

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "nk_countries")]
pub struct Country {
    pub meta: Meta,
    #[quarry(primary_key)]
    pub code: String,
    pub name: String,
    #[quarry(has_many(foreign_key = "country_code", references = "code", preload_order(name)))]
    pub cities: Assoc<Vec<City>>,
}

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "nk_cities")]
pub struct City {
    pub meta: Meta,
    pub id: i64,
    pub country_code: Option<String>,
    pub name: String,
    #[quarry(belongs_to(foreign_key = "country_code", references = "code"))]
    pub country: Assoc<Option<Country>>,
}

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "nk_shops")]
pub struct Shop {
    pub meta: Meta,
    pub id: i64,
    pub slug: String,
    #[quarry(has_many(foreign_key = "shop_slug", references = "slug", preload_order(label)))]
    pub wares: Assoc<Vec<Ware>>,
    #[quarry(has_one(foreign_key = "shop_slug", references = "slug"))]
    pub sign: Assoc<Option<Sign>>,
}

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "nk_wares")]
pub struct Ware {
    pub meta: Meta,
    pub id: i64,
    pub shop_slug: Option<String>,
    pub label: String,
    #[quarry(belongs_to(foreign_key = "shop_slug", references = "slug"))]
    pub shop: Assoc<Option<Shop>>,
}

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "nk_signs")]
pub struct Sign {
    pub meta: Meta,
    pub id: i64,
    pub shop_slug: Option<String>,
    pub text: String,
}

struct Tables;

impl Migration for Tables {
    fn version(&self) -> i64 {
        20240401000000
    }
    fn name(&self) -> &str {
        "natural_keys"
    }
    fn change(&self, m: &mut Commands) {
        m.create_table(
            quarry::migration::table("nk_countries").primary_key("code", Type::String),
            |t| {
                t.add("name", Type::String).null(false);
            },
        );
        m.create_table(quarry::migration::table("nk_cities"), |t| {
            t.add(
                "country_code",
                references("nk_countries").column("code").ty(Type::String),
            );
            t.add("name", Type::String).null(false);
        });
        m.create_table(quarry::migration::table("nk_shops"), |t| {
            t.add("slug", Type::String).null(false);
        });
        m.create_index(unique_index("nk_shops", ["slug"]));
        m.create_table(quarry::migration::table("nk_wares"), |t| {
            t.add(
                "shop_slug",
                references("nk_shops").column("slug").ty(Type::String),
            );
            t.add("label", Type::String).null(false);
        });
        m.create_table(quarry::migration::table("nk_signs"), |t| {
            t.add("shop_slug", Type::String);
            t.add("text", Type::String).null(false);
        });
    }
}

async fn setup(db: &Db) -> R {
    Migrator::new(&db.repo, vec![Box::new(Tables)])?
        .migrate(Target::All)
        .await?;
    Ok(())
}

fn country(code: &str, name: &str) -> Country {
    Country {
        code: code.into(),
        name: name.into(),
        ..Default::default()
    }
}

async fn natural_string_primary_key_preloads_both_ways(db: &Db) -> R {
    setup(db).await?;
    let fr = db.repo.insert(country("FR", "France")).await?;
    assert_eq!(fr.code, "FR", "a string key is kept, never generated");
    let jp = db.repo.insert(country("JP", "Japan")).await?;
    db.repo.insert(country("XX", "Nowhere")).await?;
    for (code, name) in [("FR", "Paris"), ("FR", "Lyon"), ("JP", "Kyoto")] {
        db.repo
            .insert(City {
                country_code: Some(code.into()),
                name: name.into(),
                ..Default::default()
            })
            .await?;
    }
    db.repo
        .insert(City {
            name: "Atlantis".into(),
            ..Default::default()
        })
        .await?;
    let found: Option<Country> = db.repo.get("JP").await?;
    assert_eq!(found.map(|c| c.name), Some("Japan".to_string()));

    let countries = db
        .repo
        .all(Country::query().order_by(Country::code.asc()))
        .await?;
    let countries = db.repo.preload(countries, Country::cities).await?;
    let names: Vec<Vec<String>> = countries
        .iter()
        .map(|c| Ok(c.cities.get()?.iter().map(|x| x.name.clone()).collect()))
        .collect::<Result<_, Error>>()?;
    assert_eq!(names, vec![vec!["Lyon", "Paris"], vec!["Kyoto"], vec![]]);

    let cities = db
        .repo
        .all(City::query().order_by(City::name.asc()))
        .await?;
    let cities = db.repo.preload(cities, City::country).await?;
    let of: Vec<(String, Option<String>)> = cities
        .iter()
        .map(|c| {
            Ok((
                c.name.clone(),
                c.country.get()?.as_ref().map(|k| k.name.clone()),
            ))
        })
        .collect::<Result<_, Error>>()?;
    assert_eq!(
        of,
        vec![
            ("Atlantis".to_string(), None),
            ("Kyoto".to_string(), Some("Japan".to_string())),
            ("Lyon".to_string(), Some("France".to_string())),
            ("Paris".to_string(), Some("France".to_string())),
        ]
    );
    // assoc queries over the string key.
    let in_france = db
        .repo
        .all(quarry::assoc::assoc(&fr, Country::cities).order_by(City::name.asc()))
        .await?;
    assert_eq!(
        in_france.into_iter().map(|c| c.name).collect::<Vec<_>>(),
        ["Lyon", "Paris"]
    );
    let both = db
        .repo
        .count(quarry::assoc::assoc(&vec![fr, jp], Country::cities))
        .await?;
    assert_eq!(both, 3);
    // The foreign key is the database's.
    let orphan = db
        .repo
        .insert(City {
            country_code: Some("ZZ".into()),
            name: "Orphan".into(),
            ..Default::default()
        })
        .await;
    assert!(
        matches!(orphan, Err(Error::Constraint { .. })),
        "{orphan:?}"
    );
    Ok(())
}

async fn natural_non_key_column_is_referenced(db: &Db) -> R {
    setup(db).await?;
    let a = db
        .repo
        .insert(Shop {
            slug: "corner-shop".into(),
            ..Default::default()
        })
        .await?;
    let b = db
        .repo
        .insert(Shop {
            slug: "kiosk".into(),
            ..Default::default()
        })
        .await?;
    for (slug, label) in [
        ("corner-shop", "milk"),
        ("corner-shop", "bread"),
        ("kiosk", "paper"),
    ] {
        db.repo
            .insert(Ware {
                shop_slug: Some(slug.into()),
                label: label.into(),
                ..Default::default()
            })
            .await?;
    }
    db.repo
        .insert(Sign {
            shop_slug: Some("kiosk".into()),
            text: "Open".into(),
            ..Default::default()
        })
        .await?;
    let shops = db
        .repo
        .all(Shop::query().order_by(Shop::slug.asc()))
        .await?;
    let shops = db.repo.preload(shops, Shop::wares).await?;
    let shops = db.repo.preload(shops, Shop::sign).await?;
    let wares: Vec<Vec<String>> = shops
        .iter()
        .map(|s| Ok(s.wares.get()?.iter().map(|w| w.label.clone()).collect()))
        .collect::<Result<_, Error>>()?;
    assert_eq!(wares, vec![vec!["bread", "milk"], vec!["paper"]]);
    let signs: Vec<Option<String>> = shops
        .iter()
        .map(|s| Ok(s.sign.get()?.as_ref().map(|x| x.text.clone())))
        .collect::<Result<_, Error>>()?;
    assert_eq!(signs, vec![None, Some("Open".to_string())]);

    let wares = db
        .repo
        .all(Ware::query().order_by(Ware::label.asc()))
        .await?;
    let wares = db.repo.preload(wares, Ware::shop).await?;
    let ids: Vec<Option<i64>> = wares
        .iter()
        .map(|w| Ok(w.shop.get()?.as_ref().map(|s| s.id)))
        .collect::<Result<_, Error>>()?;
    assert_eq!(ids, vec![Some(a.id), Some(a.id), Some(b.id)]);
    Ok(())
}

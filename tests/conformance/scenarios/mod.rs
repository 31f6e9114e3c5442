//! Every conformance scenario, registered once.

mod arrays;
mod assoc;
mod bulk;
mod constraint;
mod correlated;
mod failures;
mod field_types;
mod insert;
mod migration;
mod multi;
mod natural_keys;
mod nested;
mod prefix;
mod prepared;
mod query;
mod read;
mod transaction;
mod types;
mod update;
mod upsert;
mod web;

use crate::harness::Scenario;

pub fn all() -> Vec<Scenario> {
    let mut all = crate::scenarios![
        insert::struct_comes_back_loaded_with_id_and_timestamps,
        insert::changeset_gets_database_defaults,
        insert::invalid_changeset_sends_no_query,
        insert::virtual_fields_are_kept_but_not_written,
        insert::caller_timestamps_are_kept,
        insert::explicit_key_and_renamed_column,
        insert::cast_strings_are_stored_as_given,
        update::sends_only_changed_columns,
        update::no_changes_sends_no_query,
        update::refreshes_updated_at,
        update::missing_row_is_stale,
        update::invalid_changeset_sends_no_query,
        update::delete_marks_deleted_and_missing_is_stale,
        update::optimistic_lock_bumps_and_detects_stale,
        update::optimistic_lock_stale_field_error,
        update::insert_or_update_follows_the_state,
        failures::errors_are_classified,
        failures::statement_timeout_is_typed_and_the_pool_recovers,
        failures::conflicting_transactions_are_retried,
        failures::pool_reports_its_state_and_a_timeout_says_why,
        failures::close_waits_for_work_in_flight,
        failures::dropped_futures_leave_nothing_behind,
        read::get_and_must_get,
        read::get_casts_a_key_of_another_type,
        read::get_by_one_and_multiple_results,
        read::all_filters_orders_and_limits,
        read::exists_and_count,
        read::reload_and_reload_all_keep_order,
        read::in_empty_list_and_null_comparisons,
        read::runtime_field_names_are_checked,
        bulk::aggregates,
        bulk::aggregate_wraps_windowed_queries,
        bulk::insert_all_fills_timestamps,
        bulk::insert_all_rows_with_different_columns,
        bulk::insert_all_left_out_columns_keep_database_defaults,
        bulk::insert_all_over_several_statements_is_atomic,
        bulk::update_all_and_delete_all,
        bulk::update_all_and_delete_all_over_joins,
        bulk::delete_all_returning_gives_the_rows_where_it_can,
        upsert::second_insert_returns_the_stored_row_with_replaced_fields,
        upsert::replace_all_keeps_the_key_and_inserted_at,
        upsert::nothing_returns_the_stored_row_as_it_was,
        upsert::update_applies_to_the_stored_row,
        upsert::constraint_target,
        upsert::upsert_errors_are_typed,
        upsert::upsert_all_counts_and_returns_the_stored_rows,
        upsert::upsert_all_nothing_skips_the_conflicting_rows,
        upsert::upsert_all_over_several_statements,
        upsert::without_returning_the_row_is_read_back,
        multi::steps_run_in_one_transaction_with_typed_results,
        multi::a_failing_third_step_leaves_the_first_two_unwritten,
        multi::duplicate_names_and_invalid_changesets_fail_before_anything_runs,
        multi::append_and_merge,
        multi::inside_a_transaction_it_is_a_savepoint,
        transaction::commits_on_ok,
        transaction::rolls_back_on_err,
        transaction::rolls_back_on_panic,
        transaction::nested_failure_rolls_back_to_savepoint,
        transaction::begin_commit_and_drop,
        constraint::declared_unique_becomes_changeset_error,
        constraint::undeclared_unique_is_typed_error,
        constraint::foreign_key_error_on_the_right_field,
        constraint::check_constraint_by_name,
        constraint::not_null_is_typed_error,
        types::every_type_round_trips,
        types::nulls_round_trip,
        types::decode_mismatch_names_the_column,
        types::raw_sql_binds_values,
        types::hostile_params_stay_data,
        types::statements_are_traced,
    ];
    all.extend(query::all());
    all.extend(correlated::all());
    all.extend(prepared::all());
    all.extend(assoc::all());
    all.extend(migration::all());
    all.extend(field_types::all());
    all.extend(arrays::all());
    all.extend(natural_keys::all());
    all.extend(web::all());
    all.extend(nested::all());
    all.extend(prefix::all());
    all
}

/* The database interface on the SQLite engine: binding, results, the unique-violation code,
 * transactions, and the migrations embedded in the binary. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/errors.h"
#include "db/db.h"
#include "db/migrate.h"
#include "core/util.h"

typedef struct {
    db *d;
    arena *a;
    char path[64];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    snprintf(f->path, sizeof(f->path), "/tmp/ia-test-db-%d.db", (int)getpid());
    unlink(f->path);
    char url[128], err[256];
    snprintf(url, sizeof(url), "sqlite:///%s", f->path);
    if (db_open(url, 0, &f->d, err, sizeof(err)) != IA_OK)
        fail_msg("open: %s", err);
    f->a = arena_create(1 << 20);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    db_close(f->d);
    arena_destroy(f->a);
    unlink(f->path);
    char wal[80];
    snprintf(wal, sizeof(wal), "%s-wal", f->path);
    unlink(wal);
    snprintf(wal, sizeof(wal), "%s-shm", f->path);
    unlink(wal);
    free(f);
    return 0;
}

static void test_parameters_bind_by_number_in_any_order(void **state)
{
    fixture *f = *state;
    db_result *r = NULL;
    assert_int_equal(
        db_query_one(f->d, f->a, "SELECT $2 || '-' || $1, $3 + 1, $4, $5",
                     (db_param[]){ DB_TEXT("a"), DB_TEXT("b"), DB_INT(41), DB_NULL, DB_REAL(1.5) },
                     5, &r),
        IA_OK);
    assert_string_equal(db_get(r, 0, 0), "b-a");
    assert_int_equal(db_get_int(r, 0, 1, -1), 42);
    assert_null(db_get(r, 0, 2));
    assert_true(db_get_real(r, 0, 3, 0) == 1.5);
}

static void test_text_parameters_are_data_not_sql(void **state)
{
    fixture *f = *state;
    assert_int_equal(
        db_exec_script(f->d, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)", NULL, 0), IA_OK);
    const char *evil = "x'); DROP TABLE t; --";
    assert_int_equal(db_exec(f->d, NULL, "INSERT INTO t (name) VALUES ($1)",
                             (db_param[]){ DB_TEXT(evil) }, 1, NULL),
                     IA_OK);
    db_result *r = NULL;
    assert_int_equal(db_query_one(f->d, f->a, "SELECT name FROM t", NULL, 0, &r), IA_OK);
    assert_string_equal(db_get(r, 0, 0), evil);
}

static void test_unique_violation_is_conflict(void **state)
{
    fixture *f = *state;
    assert_int_equal(db_exec_script(f->d, "CREATE TABLE u (email TEXT UNIQUE)", NULL, 0), IA_OK);
    const char *sql = "INSERT INTO u (email) VALUES ($1)";
    assert_int_equal(db_exec(f->d, NULL, sql, (db_param[]){ DB_TEXT("a@b.c") }, 1, NULL), IA_OK);
    assert_int_equal(db_exec(f->d, NULL, sql, (db_param[]){ DB_TEXT("a@b.c") }, 1, NULL),
                     IA_ERR_CONFLICT);
}

static void test_query_one_without_rows_is_not_found(void **state)
{
    fixture *f = *state;
    db_result *r = NULL;
    assert_int_equal(db_query_one(f->d, f->a, "SELECT 1 WHERE 1 = 0", NULL, 0, &r), IA_NOT_FOUND);
}

static void test_rollback_discards_and_commit_keeps(void **state)
{
    fixture *f = *state;
    assert_int_equal(db_exec_script(f->d, "CREATE TABLE n (v INTEGER)", NULL, 0), IA_OK);
    assert_int_equal(db_begin(f->d), IA_OK);
    db_exec(f->d, NULL, "INSERT INTO n VALUES (1)", NULL, 0, NULL);
    assert_int_equal(db_rollback(f->d), IA_OK);
    assert_int_equal(db_begin(f->d), IA_OK);
    db_exec(f->d, NULL, "INSERT INTO n VALUES (2)", NULL, 0, NULL);
    assert_int_equal(db_commit(f->d), IA_OK);
    db_result *r = NULL;
    assert_int_equal(db_exec(f->d, f->a, "SELECT v FROM n", NULL, 0, &r), IA_OK);
    assert_int_equal(r->nrows, 1);
    assert_int_equal(db_get_int(r, 0, 0, 0), 2);
}

static void test_affected_rows_are_reported(void **state)
{
    fixture *f = *state;
    assert_int_equal(db_exec_script(f->d,
                                    "CREATE TABLE m (v INTEGER); "
                                    "INSERT INTO m VALUES (1), (2), (3)",
                                    NULL, 0),
                     IA_OK);
    db_result *r = NULL;
    assert_int_equal(db_exec(f->d, f->a, "UPDATE m SET v = v + 1 WHERE v >= $1",
                             (db_param[]){ DB_INT(2) }, 1, &r),
                     IA_OK);
    assert_int_equal(r->affected, 2);
}

static void test_migrations_apply_once_and_schema_is_current(void **state)
{
    fixture *f = *state;
    char err[1024];
    int applied = -1;
    assert_int_equal(migrate_check(f->d, err, sizeof(err)), IA_ERR_INVALID);
    assert_non_null(strstr(err, "interviewace migrate"));
    assert_int_equal(migrate_apply(f->d, &applied, err, sizeof(err)), IA_OK);
    assert_true(applied >= 1);
    assert_int_equal(migrate_apply(f->d, &applied, err, sizeof(err)), IA_OK);
    assert_int_equal(applied, 0);
    assert_int_equal(migrate_check(f->d, err, sizeof(err)), IA_OK);
}

static void test_edited_migration_is_refused(void **state)
{
    fixture *f = *state;
    char err[1024];
    int applied = 0;
    assert_int_equal(migrate_apply(f->d, &applied, err, sizeof(err)), IA_OK);
    assert_int_equal(
        db_exec(f->d, NULL, "UPDATE schema_migrations SET checksum = 'edited'", NULL, 0, NULL),
        IA_OK);
    assert_int_equal(migrate_check(f->d, err, sizeof(err)), IA_ERR_CONFLICT);
    assert_non_null(strstr(err, "edited after it was applied"));
    assert_int_equal(migrate_apply(f->d, &applied, err, sizeof(err)), IA_ERR_CONFLICT);
}

static void test_deleting_a_user_leaves_no_orphans(void **state)
{
    fixture *f = *state;
    char err[1024];
    int applied = 0;
    assert_int_equal(migrate_apply(f->d, &applied, err, sizeof(err)), IA_OK);
    const char *script =
        "INSERT INTO users (id, email, full_name, password_hash, created_at, updated_at) "
        "VALUES ('u1', 'a@b.c', 'A', 'h', 1, 1);"
        "INSERT INTO resumes (id, user_id, root_id, title, file_key, file_name, file_size, "
        "file_type, created_at, updated_at) VALUES ('r1', 'u1', 'r1', 't', 'k', 'f', 1, 'x', 1, 1);"
        "INSERT INTO interview_sessions (id, user_id, resume_id, difficulty, question_count, "
        "started_at, updated_at) VALUES ('s1', 'u1', 'r1', 'mixed', 5, 1, 1);"
        "INSERT INTO interview_questions (id, session_id, order_index, question_text, category, "
        "difficulty, created_at, updated_at) VALUES ('q1', 's1', 0, 'q', 'general', 'easy', 1, 1);"
        "INSERT INTO auth_sessions (id, user_id, created_at, last_used_at, expires_at) "
        "VALUES ('a1', 'u1', 1, 1, 9);"
        "INSERT INTO refresh_tokens (jti, session_id, created_at, expires_at) "
        "VALUES ('j1', 'a1', 1, 9);"
        "INSERT INTO jobs (id, kind, user_id, run_at, created_at, updated_at) "
        "VALUES ('job1', 'k', 'u1', 1, 1, 1);";
    assert_int_equal(db_exec_script(f->d, script, err, sizeof(err)), IA_OK);
    /* Deleting the resume keeps the interview, without its resume. */
    assert_int_equal(db_exec(f->d, NULL, "DELETE FROM resumes WHERE id = 'r1'", NULL, 0, NULL),
                     IA_OK);
    db_result *r = NULL;
    assert_int_equal(
        db_query_one(f->d, f->a, "SELECT resume_id FROM interview_sessions", NULL, 0, &r), IA_OK);
    assert_null(db_get(r, 0, 0));
    assert_int_equal(db_exec(f->d, NULL, "DELETE FROM users WHERE id = 'u1'", NULL, 0, NULL),
                     IA_OK);
    static const char *const tables[] = { "interview_sessions",
                                          "interview_questions",
                                          "auth_sessions",
                                          "refresh_tokens",
                                          "jobs",
                                          "resumes" };
    for (size_t i = 0; i < COUNT(tables); i++) {
        char sql[96];
        snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", tables[i]);
        assert_int_equal(db_query_one(f->d, f->a, sql, NULL, 0, &r), IA_OK);
        if (db_get_int(r, 0, 0, -1) != 0)
            fail_msg("%s still has rows after the user was deleted", tables[i]);
    }
}

static void test_url_redaction_hides_the_password(void **state)
{
    (void)state;
    char out[256];
    config_redact_url("postgresql://user:s3cret@host:5432/db", out, sizeof(out));
    assert_null(strstr(out, "s3cret"));
    assert_string_equal(out, "postgresql://user:****@host:5432/db");
    config_redact_url("sqlite:///data/x.db", out, sizeof(out));
    assert_string_equal(out, "sqlite:///data/x.db");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_parameters_bind_by_number_in_any_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_text_parameters_are_data_not_sql, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unique_violation_is_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_one_without_rows_is_not_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_discards_and_commit_keeps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_affected_rows_are_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrations_apply_once_and_schema_is_current, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_edited_migration_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deleting_a_user_leaves_no_orphans, setup, teardown),
        cmocka_unit_test(test_url_redaction_hides_the_password),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

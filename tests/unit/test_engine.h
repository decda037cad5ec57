/* The fixture shared by the unit tests of the offline engine's operations: the engine with its
 * built-in data, and one arena for everything the tests' calls return. */
#ifndef IA_TESTS_UNIT_TEST_ENGINE_H
#define IA_TESTS_UNIT_TEST_ENGINE_H

#include "ai/offline.h"
#include "core/arena.h"
#include "core/errors.h"

#define TEST_ENGINE_ARENA_MAX (256u * 1024u * 1024u)

typedef struct {
    ai_offline *engine;
    arena *a;
} engine_fixture;

static inline int engine_setup(void **state)
{
    static engine_fixture f;
    char err[256];
    if (ai_offline_create(&f.engine, err, sizeof(err)) != IA_OK)
        fail_msg("%s", err);
    f.a = arena_create(TEST_ENGINE_ARENA_MAX);
    assert_non_null(f.a);
    *state = &f;
    return 0;
}

static inline int engine_teardown(void **state)
{
    engine_fixture *f = *state;
    ai_offline_free(f->engine);
    arena_destroy(f->a);
    return 0;
}

#endif

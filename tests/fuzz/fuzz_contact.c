/* Fuzzes contact extraction (src/ai/contact.c ai_contact_parse): the input is the text of a
 * resume. Checked: every field found is a non-empty string, and no more links than
 * AI_LINKS_MAX come back. */
#include <string.h>

#include "ai/contact.h"
#include "core/arena.h"
#include "core/errors.h"
#include "fuzz.h"

static void check_field(const char *s)
{
    fuzz_check(s == NULL || s[0] != '\0', "a contact field found is not empty");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_strndup(data, size);
    arena *a = arena_create(16u << 20);
    if (text != NULL && a != NULL) {
        ai_contact c;
        if (ai_contact_parse(a, text, &c) == IA_OK) {
            check_field(c.name);
            check_field(c.email);
            check_field(c.phone);
            check_field(c.location);
            fuzz_check(c.nlinks <= AI_LINKS_MAX, "links fit");
            for (size_t i = 0; i < c.nlinks; i++)
                check_field(c.links[i]);
        }
    }
    arena_destroy(a);
    free(text);
    return 0;
}

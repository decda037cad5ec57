/* Fuzzes the UTF-8 checks (src/core/utf8.c ia_utf8_sequence, src/http/validate.c
 * ia_utf8_length) against an independent judge, jansson's own UTF-8 check (the JSON
 * encoder refuses what it refuses). The input is any bytes. Checked: the sequence reader and
 * jansson agree on whether the input is well-formed UTF-8; a sequence is never longer than
 * the bytes left; ia_utf8_length counts the code points of exactly the strings that
 * are well-formed. */
#include <jansson.h>
#include <string.h>

#include "core/utf8.h"
#include "fuzz.h"
#include "http/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bool valid = true;
    long long chars = 0;
    for (size_t i = 0; i < size;) {
        size_t k = ia_utf8_sequence(data + i, size - i);
        fuzz_check(k <= 4 && k <= size - i, "a sequence stays inside the input");
        if (k == 0) {
            valid = false;
            break;
        }
        i += k;
        chars++;
    }
    json_t *s = json_stringn((const char *)data, size);
    fuzz_check(valid == (s != NULL), "ia_utf8_sequence agrees with jansson");
    json_decref(s);
    if (memchr(data, '\0', size) == NULL) {
        char *text = fuzz_strndup(data, size);
        if (text != NULL) {
            long long n = ia_utf8_length(text);
            fuzz_check(valid ? n == chars : n == -1,
                       "ia_utf8_length counts exactly the well-formed strings");
            free(text);
        }
    }
    return 0;
}

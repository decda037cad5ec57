/* Fuzzes request body validation (src/http/validate.c validate_body, with the JSON reading of
 * http_body_json_object and the password policy hook of the account routes). The first byte
 * picks one of the field lists below, which between them use every field type and flag the
 * API's routes use; the rest is the request body. The request and response live in an arena,
 * as the server gives them to a handler. Checked: an accepted body keeps every promise of its
 * fields (lengths, choices, no control characters, lower-cased e-mail), a refused one has its
 * 422 written. */
#include <jansson.h>
#include <string.h>

#include "api/api.h"
#include "auth/password.h"
#include "core/arena.h"
#include "core/errors.h"
#include "core/utf8.h"
#include "fuzz.h"
#include "http/http.h"
#include "http/validate.h"

static const char *const roles[] = { "user", "admin", NULL };
static const char *const difficulties[] = { "easy", "medium", "hard", "mixed", NULL };

/* Like register and change-password: e-mail, trimmed text, untrimmed passwords, a choice. */
static const v_field account_fields[] = {
    { "email", V_STRING, V_REQUIRED | V_EMAIL, 1, 254, NULL, 0, 0 },
    { "full_name", V_STRING, V_REQUIRED, 1, 100, NULL, 0, 0 },
    { "password", V_STRING, V_REQUIRED | V_NO_TRIM | V_POLICY, 8, 128, NULL, 0, 0 },
    { "new_password", V_STRING, V_NO_TRIM, 0, 1000, NULL, 0, 0 },
    { "role", V_STRING, 0, 1, 20, roles, 0, 0 },
};

/* Like starting an interview and answering: integers, lists, multi-line text, booleans. */
static const v_field interview_fields[] = {
    { "resume_id", V_STRING, 0, 1, 36, NULL, 0, 0 },
    { "question_count", V_INT, 0, 5, 30, NULL, 0, 0 },
    { "difficulty", V_STRING, 0, 1, 10, difficulties, 0, 0 },
    { "focus_areas", V_STRING_LIST, 0, 0, 10, NULL, 1, 50 },
    { "job_description", V_STRING, V_MULTILINE, 1, 10000, NULL, 0, 0 },
    { "answer_text", V_STRING, V_MULTILINE, 1, 5000, NULL, 0, 0 },
    { "time_taken_seconds", V_INT, 0, 0, 3600, NULL, 0, 0 },
    { "is_public", V_BOOL, 0, 0, 0, NULL, 0, 0 },
};

#define NFIELDS(f) (sizeof(f) / sizeof((f)[0]))

/* Checks that an accepted string keeps its field's promises. */
static void check_string(const v_field *f, const char *s, long long min, long long max)
{
    long long len = ia_utf8_length(s);
    if (!(f->flags & V_NO_TRIM)) {
        fuzz_check(len >= 0, "accepted text is UTF-8");
        for (const unsigned char *p = (const unsigned char *)s; *p; p++)
            fuzz_check(*p >= 0x20 || ((f->flags & V_MULTILINE) && strchr("\n\t\r", *p)),
                       "accepted text has no control character");
    }
    if (f->flags & V_POLICY)
        fuzz_check(password_policy(s) == 0, "an accepted password meets the policy");
    else
        fuzz_check(len >= min && len <= max, "accepted text has an allowed length");
    if (f->flags & V_EMAIL) {
        fuzz_check(validate_email(s), "an accepted e-mail address is valid");
        for (const char *p = s; *p; p++)
            fuzz_check(!(*p >= 'A' && *p <= 'Z'), "an accepted e-mail address is lower-cased");
    }
    if (f->choices != NULL) {
        bool ok = false;
        for (size_t i = 0; f->choices[i] != NULL; i++)
            ok = ok || strcmp(f->choices[i], s) == 0;
        fuzz_check(ok, "an accepted choice is allowed");
    }
}

static void check_accepted(const v_field *fields, size_t n, const v_value *out)
{
    for (size_t i = 0; i < n; i++) {
        const v_field *f = &fields[i];
        if (!out[i].present) {
            fuzz_check(!(f->flags & V_REQUIRED), "a required field is present");
            continue;
        }
        if (f->type == V_STRING)
            check_string(f, out[i].s, f->min, f->max);
        if (f->type == V_INT)
            fuzz_check(out[i].i >= f->min && out[i].i <= f->max, "an accepted integer in range");
        if (f->type == V_STRING_LIST) {
            fuzz_check((long long)out[i].nlist <= f->max, "an accepted list is short enough");
            for (size_t k = 0; k < out[i].nlist; k++)
                check_string(f, out[i].list[k], f->item_min, f->item_max);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned sel = fuzz_take_byte(&data, &size);
    arena *a = arena_create(8u << 20);
    char *body = fuzz_strndup(data, size);
    if (a == NULL || body == NULL) {
        arena_destroy(a);
        free(body);
        return 0;
    }
    http_req req;
    http_res res;
    fuzz_http_init(&req, &res, a);
    req.body = size > 0 ? body : NULL;
    req.body_len = size;
    const v_field *fields = (sel & 1) ? interview_fields : account_fields;
    size_t n = (sel & 1) ? NFIELDS(interview_fields) : NFIELDS(account_fields);
    v_value out[NFIELDS(interview_fields)];
    int rc = validate_body(&req, &res, fields, n, out, (sel & 1) ? NULL : api_check_password);
    if (rc == IA_OK) {
        fuzz_check(res.status == 0, "nothing written for an accepted body");
        check_accepted(fields, n, out);
    } else {
        fuzz_check(rc != IA_ERR_INVALID || res.status == 422, "a refusal is a 422");
    }
    arena_destroy(a);
    free(body);
    return 0;
}

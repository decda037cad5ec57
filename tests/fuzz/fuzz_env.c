/* Fuzzes the configuration readers (src/core/env.c env_file_parse, src/core/config.c): the
 * input is the text of a .env file. Every setting the service knows is looked up in it, the
 * whole configuration is loaded from it alone (not from the process environment) through
 * every typed parser and cross-setting check, and a loaded configuration is printed as
 * `config check` prints it. Every value found also goes through the URL redaction, origin and
 * secret-key checks on their own. */
#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "core/env.h"
#include "core/errors.h"
#include "fuzz.h"

static const char *from_file(void *ctx, const char *name)
{
    return env_file_get(ctx, name);
}

/* The standalone checks, on one value. */
static void value_checks(const char *v)
{
    char out[256];
    config_redact_url(v, out, sizeof(out));
    fuzz_check(strlen(out) < sizeof(out), "a redacted URL fits");
    if (config_parse_origin(v, out, sizeof(out)) == IA_OK)
        fuzz_check(strncmp(out, "http", 4) == 0, "an origin is http(s)");
    const char *why = NULL;
    if (config_check_secret(v, &why) != IA_OK)
        fuzz_check(why != NULL, "a refused secret says why");
    long long ms;
    if (config_parse_duration_ms(v, &ms) == IA_OK)
        fuzz_check(ms >= 0, "a duration is not negative");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    env_file *f = NULL;
    char err[256];
    if (env_file_parse((const char *)data, size, &f, err, sizeof(err)) != IA_OK) {
        env_file_free(f);
        return 0;
    }
    for (size_t i = 0; i < config_setting_count(); i++) {
        const char *v = env_file_get(f, config_setting_name(i));
        if (v != NULL)
            value_checks(v);
    }
    ia_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    if (config_load_with(&cfg, from_file, f, err, sizeof(err)) == IA_OK) {
        fuzz_check(cfg.secret_key != NULL && strlen(cfg.secret_key) >= CONFIG_SECRET_MIN,
                   "a loaded configuration has a secret key");
        char *text = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&text, &len);
        if (out != NULL) {
            config_print(&cfg, out);
            fclose(out);
        }
        free(text);
        config_free(&cfg);
    } else {
        fuzz_check(err[0] != '\0', "a refused configuration says why");
    }
    env_file_free(f);
    return 0;
}

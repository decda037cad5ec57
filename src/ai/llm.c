#include "ai/llm.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/curlx.h"
#include "core/errors.h"

#define HEADER_MAX        4096    /* one request header line: keys are far shorter */
#define RETRY_AFTER_MAX_S 1000000 /* seconds of Retry-After read; longer delays read as this */

const char *llm_outcome_name(llm_outcome o)
{
    static const char *const names[] = { "ok",       "timeout",  "connect",   "http_429",
                                         "http_5xx", "http_4xx", "too_large", "invalid_output" };
    return o < LLM_OUTCOME_COUNT ? names[o] : "unknown";
}

/* ---- request ------------------------------------------------------------------------------ */

/* Upper-cases a JSON schema type name for Gemini ("object" -> "OBJECT"). */
static json_t *upper_type(const char *t)
{
    char buf[32];
    size_t i = 0;
    for (; t[i] && i + 1 < sizeof(buf); i++)
        buf[i] = (char)toupper((unsigned char)t[i]);
    buf[i] = '\0';
    return json_string(buf);
}

json_t *llm_gemini_schema(const json_t *schema)
{
    if (!json_is_object(schema))
        return json_deep_copy(schema);
    json_t *out = json_object();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)schema, key, v)
    {
        if (strcmp(key, "additionalProperties") == 0)
            continue;
        if (strcmp(key, "type") == 0) {
            if (json_is_string(v)) {
                json_object_set_new(out, "type", upper_type(json_string_value(v)));
            } else if (json_is_array(v)) {
                size_t i;
                json_t *t;
                json_array_foreach(v, i, t)
                {
                    const char *name = json_string_value(t);
                    if (name == NULL)
                        continue;
                    if (strcmp(name, "null") == 0)
                        json_object_set_new(out, "nullable", json_true());
                    else
                        json_object_set_new(out, "type", upper_type(name));
                }
            }
        } else if (strcmp(key, "enum") == 0 && json_is_array(v)) {
            json_t *e = json_array();
            size_t i;
            json_t *item;
            json_array_foreach(v, i, item)
            {
                if (!json_is_null(item))
                    json_array_append(e, item);
            }
            json_object_set_new(out, "enum", e);
        } else if (strcmp(key, "properties") == 0 && json_is_object(v)) {
            json_t *props = json_object();
            const char *pk;
            json_t *pv;
            json_object_foreach(v, pk, pv)
            {
                json_object_set_new(props, pk, llm_gemini_schema(pv));
            }
            json_object_set_new(out, "properties", props);
        } else if (strcmp(key, "items") == 0) {
            json_object_set_new(out, "items", llm_gemini_schema(v));
        } else {
            json_object_set(out, key, v);
        }
    }
    return out;
}

int llm_request_url(const llm_provider *p, char *buf, size_t len)
{
    int n;
    if (p->engine == AI_ENGINE_GEMINI) {
        char model[256];
        size_t o = 0;
        for (const char *c = p->model; *c && o + 4 < sizeof(model); c++) {
            unsigned char ch = (unsigned char)*c;
            if (isalnum(ch) || ch == '-' || ch == '.' || ch == '_')
                model[o++] = (char)ch;
            else
                o += (size_t)snprintf(model + o, sizeof(model) - o, "%%%02X", ch);
        }
        model[o] = '\0';
        n = snprintf(buf, len, "%s/v1beta/models/%s:generateContent", p->base_url, model);
    } else {
        n = snprintf(buf, len, "%s/chat/completions", p->base_url);
    }
    return n < 0 || (size_t)n >= len ? IA_ERR_TOO_LARGE : IA_OK;
}

json_t *llm_request_body(const llm_provider *p, const ai_prompt *pr)
{
    if (p->engine == AI_ENGINE_GEMINI)
        return json_pack("{s:{s:[{s:s}]}, s:[{s:s, s:[{s:s}]}], s:{s:s, s:o, s:f}}",
                         "systemInstruction", "parts", "text", pr->system, "contents", "role",
                         "user", "parts", "text", pr->user, "generationConfig", "responseMimeType",
                         "application/json", "responseSchema", llm_gemini_schema(pr->schema),
                         "temperature", 0.2);
    char *schema_text = json_dumps(pr->schema, JSON_COMPACT);
    size_t n = strlen(pr->system) + (schema_text ? strlen(schema_text) : 0) + 64;
    char *system = malloc(n);
    json_t *body = NULL;
    if (system != NULL && schema_text != NULL) {
        snprintf(system, n, "%s\nThe JSON schema of your answer:\n%s", pr->system, schema_text);
        /* no temperature: some OpenAI models accept only their default */
        body = json_pack("{s:s, s:[{s:s, s:s}, {s:s, s:s}], s:{s:s, s:{s:s, s:O, s:b}}}", "model",
                         p->model, "messages", "role", "system", "content", system, "role", "user",
                         "content", pr->user, "response_format", "type", "json_schema",
                         "json_schema", "name", pr->schema_name, "schema", pr->schema, "strict", 1);
    }
    free(system);
    free(schema_text);
    return body;
}

/* ---- response ----------------------------------------------------------------------------- */

/* The model's text inside an envelope, or NULL. Gemini may split it over several parts. */
static char *envelope_text(ai_engine engine, const json_t *env)
{
    if (engine == AI_ENGINE_OPENAI) {
        json_t *msg =
            json_object_get(json_array_get(json_object_get(env, "choices"), 0), "message");
        const char *s = json_string_value(json_object_get(msg, "content"));
        return s ? strdup(s) : NULL;
    }
    json_t *parts = json_object_get(
        json_object_get(json_array_get(json_object_get(env, "candidates"), 0), "content"), "parts");
    size_t total = 0, i;
    json_t *part;
    json_array_foreach(parts, i, part)
    {
        const char *t = json_string_value(json_object_get(part, "text"));
        total += t ? strlen(t) : 0;
    }
    if (total == 0)
        return NULL;
    char *out = malloc(total + 1);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    json_array_foreach(parts, i, part)
    {
        const char *t = json_string_value(json_object_get(part, "text"));
        if (t == NULL)
            continue; /* a part without text (an image, a function call) adds nothing */
        size_t n = strlen(t);
        memcpy(out + o, t, n);
        o += n;
    }
    out[o] = '\0';
    return out;
}

/* Strips white space and a Markdown code fence (```json ... ```) around text, in place;
 * returns the start of what is left. */
static char *unfence(char *text)
{
    while (isspace((unsigned char)*text))
        text++;
    size_t n = strlen(text);
    while (n > 0 && isspace((unsigned char)text[n - 1]))
        text[--n] = '\0';
    if (strncmp(text, "```", 3) != 0)
        return text;
    char *nl = strchr(text, '\n');
    if (nl == NULL)
        return text;
    text = nl + 1;
    n = strlen(text);
    if (n >= 3 && strcmp(text + n - 3, "```") == 0)
        text[n - 3] = '\0';
    return text;
}

int llm_parse_response(ai_engine engine, const char *body, size_t len, json_t **out, char *why,
                       size_t whylen)
{
    json_error_t jerr;
    json_t *env = json_loadb(body, len, 0, &jerr);
    if (!json_is_object(env)) {
        snprintf(why, whylen, "the response body is not a JSON object");
        json_decref(env);
        return IA_ERR_INVALID;
    }
    char *text = envelope_text(engine, env);
    json_decref(env);
    if (text == NULL) {
        snprintf(why, whylen, "the response holds no answer text");
        return IA_ERR_INVALID;
    }
    json_t *obj = json_loads(unfence(text), 0, &jerr);
    free(text);
    if (!json_is_object(obj)) {
        snprintf(why, whylen, "the answer text is not a JSON object");
        json_decref(obj);
        return IA_ERR_INVALID;
    }
    *out = obj;
    return IA_OK;
}

long long llm_retry_after_ms(const char *value, long long now_s)
{
    while (*value == ' ' || *value == '\t')
        value++;
    if (isdigit((unsigned char)*value)) {
        long long s = 0;
        const char *p = value;
        while (isdigit((unsigned char)*p) && s < RETRY_AFTER_MAX_S)
            s = s * 10 + (*p++ - '0');
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        return *p == '\0' ? s * 1000 : -1;
    }
    time_t t = curl_getdate(value, NULL);
    if (t < 0)
        return -1;
    long long s = (long long)t > now_s ? (long long)t - now_s : 0;
    /* A date centuries ahead must not overflow: any delay past the chain's limit is as good. */
    return (s < RETRY_AFTER_MAX_S ? s : RETRY_AFTER_MAX_S) * 1000;
}

/* ---- the transfer ------------------------------------------------------------------------- */

typedef struct {
    char *buf;
    size_t len, cap;
    bool too_large;
    long long retry_after_ms;
} transfer;

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    transfer *t = userp;
    size_t n = size * nmemb;
    if (n > LLM_BODY_MAX - t->len) {
        t->too_large = true;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 16384;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *nb = realloc(t->buf, cap);
        if (nb == NULL)
            return 0;
        t->buf = nb;
        t->cap = cap;
    }
    memcpy(t->buf + t->len, data, n);
    t->len += n;
    t->buf[t->len] = '\0';
    return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
    transfer *t = userp;
    size_t n = size * nmemb;
    static const char name[] = "retry-after:";
    if (n > sizeof(name) - 1 && n < 256 && strncasecmp(data, name, sizeof(name) - 1) == 0) {
        char value[256];
        memcpy(value, data + sizeof(name) - 1, n - (sizeof(name) - 1));
        value[n - (sizeof(name) - 1)] = '\0';
        t->retry_after_ms = llm_retry_after_ms(value, (long long)time(NULL));
    }
    return n;
}

/* Sets out's outcome from the curl result and the HTTP status; returns the IA code. */
static int classify(CURLcode cc, long status, const transfer *t, llm_result *out)
{
    out->http_status = status;
    if (t->too_large) {
        out->outcome = LLM_TOO_LARGE;
        snprintf(out->detail, sizeof(out->detail), "response body over %u bytes", LLM_BODY_MAX);
        return IA_ERR_TOO_LARGE;
    }
    if (cc == CURLE_OPERATION_TIMEDOUT) {
        out->outcome = LLM_TIMEOUT;
        snprintf(out->detail, sizeof(out->detail), "%s", curl_easy_strerror(cc));
        return IA_ERR_TIMEOUT;
    }
    if (cc != CURLE_OK) {
        out->outcome = LLM_CONNECT;
        snprintf(out->detail, sizeof(out->detail), "%s", curl_easy_strerror(cc));
        return cc == CURLE_OUT_OF_MEMORY ? IA_ERR_NOMEM : IA_ERR_UNAVAILABLE;
    }
    if (status >= 200 && status < 300) {
        out->outcome = LLM_OK;
        return IA_OK;
    }
    snprintf(out->detail, sizeof(out->detail), "HTTP %ld", status);
    if (status == 429) {
        out->outcome = LLM_HTTP_429;
        return IA_ERR_UNAVAILABLE;
    }
    if (status >= 500) {
        out->outcome = LLM_HTTP_5XX;
        return IA_ERR_UNAVAILABLE;
    }
    out->outcome = LLM_HTTP_4XX;
    return IA_ERR_INVALID;
}

/* Adds "Name: value" to a header list; the line is wiped from the stack buffer afterwards,
 * because it may carry a key. */
static struct curl_slist *add_header(struct curl_slist *h, const char *name, const char *value)
{
    char line[HEADER_MAX];
    int n = snprintf(line, sizeof(line), "%s: %s", name, value);
    struct curl_slist *r = NULL;
    if (n > 0 && (size_t)n < sizeof(line))
        r = curl_slist_append(h, line);
    explicit_bzero(line, sizeof(line));
    if (r == NULL)
        curl_slist_free_all(h);
    return r;
}

int llm_call(const llm_provider *p, const ai_prompt *pr, llm_result *out)
{
    memset(out, 0, sizeof(*out));
    out->retry_after_ms = -1;
    out->outcome = LLM_CONNECT;
    char url[2048];
    if (llm_request_url(p, url, sizeof(url)) != IA_OK) {
        snprintf(out->detail, sizeof(out->detail), "request URL too long");
        return IA_ERR_INVALID;
    }
    json_t *body = llm_request_body(p, pr);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (text == NULL) {
        snprintf(out->detail, sizeof(out->detail), "cannot build the request body");
        return IA_ERR_NOMEM;
    }
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    if (h != NULL)
        h = add_header(h, "Accept", "application/json");
    bool keyed = p->api_key != NULL && *p->api_key != '\0';
    if (h != NULL && keyed && p->engine == AI_ENGINE_GEMINI)
        h = add_header(h, "x-goog-api-key", p->api_key);
    if (h != NULL && keyed && p->engine == AI_ENGINE_OPENAI) {
        char bearer[HEADER_MAX];
        snprintf(bearer, sizeof(bearer), "Bearer %s", p->api_key);
        h = add_header(h, "Authorization", bearer);
        explicit_bzero(bearer, sizeof(bearer));
    }
    CURL *c = h ? curl_easy_init() : NULL;
    if (c == NULL) {
        curl_slist_free_all(h);
        free(text);
        snprintf(out->detail, sizeof(out->detail), "cannot set up the transfer");
        return IA_ERR_NOMEM;
    }
    transfer t = { .retry_after_ms = -1 };
    curlx_opts o;
    curlx_init(&o, c);
    CURLX_SET(&o, CURLOPT_URL, url);
    CURLX_SET(&o, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLX_SET(&o, CURLOPT_HTTPHEADER, h);
    CURLX_SET(&o, CURLOPT_POSTFIELDS, text);
    CURLX_SET(&o, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(text));
    CURLX_SET(&o, CURLOPT_TIMEOUT_MS, (long)p->timeout_ms);
    CURLX_SET(&o, CURLOPT_CONNECTTIMEOUT_MS, (long)p->timeout_ms);
    CURLX_SET(&o, CURLOPT_NOSIGNAL, 1L);
    CURLX_SET(&o, CURLOPT_FOLLOWLOCATION, 0L);
    CURLX_SET(&o, CURLOPT_ACCEPT_ENCODING, "");
    CURLX_SET(&o, CURLOPT_USERAGENT, "interviewace/" IA_VERSION);
    CURLX_SET(&o, CURLOPT_WRITEFUNCTION, on_body);
    CURLX_SET(&o, CURLOPT_WRITEDATA, &t);
    CURLX_SET(&o, CURLOPT_HEADERFUNCTION, on_header);
    CURLX_SET(&o, CURLOPT_HEADERDATA, &t);
    CURLcode cc = o.rc;
    if (cc == CURLE_OK)
        cc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    free(text);

    int rc = classify(cc, status, &t, out);
    if (o.rc != CURLE_OK)
        snprintf(out->detail, sizeof(out->detail), "cannot set %s: %s", o.failed,
                 curl_easy_strerror(o.rc));
    out->retry_after_ms = t.retry_after_ms;
    if (rc == IA_OK) {
        rc = llm_parse_response(p->engine, t.buf ? t.buf : "", t.len, &out->output, out->detail,
                                sizeof(out->detail));
        if (rc != IA_OK)
            out->outcome = LLM_INVALID_OUTPUT;
    }
    free(t.buf);
    return rc;
}

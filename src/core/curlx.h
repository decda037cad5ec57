/* Checked libcurl option setting, shared by every client that talks to the network through
 * libcurl (the LLM providers, S3 storage, SMTP mail). Each curl_easy_setopt result is checked:
 * the first option that fails is kept (with its name, and logged), the options after it are
 * skipped, and the caller refuses to perform a transfer that is not set up as it asked. */
#ifndef IA_CORE_CURLX_H
#define IA_CORE_CURLX_H

#include <curl/curl.h>

typedef struct {
    CURL *c;
    CURLcode rc;        /* CURLE_OK while every option took; else the first failure */
    const char *failed; /* the name of the option that failed, or NULL */
} curlx_opts;

/* Starts checking the options set on c. */
void curlx_init(curlx_opts *o, CURL *c);

/* Records the result rc of setting the option called name. The first failure is kept and
 * logged; later ones are ignored. Returns o->rc. */
CURLcode curlx_note(curlx_opts *o, CURLcode rc, const char *name);

/* Sets one option when every earlier one took (curl_easy_setopt keeps its type checks). */
#define CURLX_SET(o, opt, val)                                                                     \
    do {                                                                                           \
        if ((o)->rc == CURLE_OK)                                                                   \
            curlx_note((o), curl_easy_setopt((o)->c, opt, val), #opt);                             \
    } while (0)

#endif

/* The bank's document frequencies (ai/corpus.h): a sorted array of (stem, questions) pairs in the
 * corpus's own arena, looked up by binary search. */
#include "ai/corpus.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/errors.h"

#define CORPUS_ARENA_MAX (64u * 1024u * 1024u)

typedef struct {
    const char *stem;
    unsigned df;
} entry;

#define DOMAINS_MAX 64

struct ai_corpus_domain {
    const char *role;
    ai_stems stems; /* finished */
};

struct ai_corpus {
    arena *a;
    entry *v;
    size_t n;
    ai_corpus_domain domains[DOMAINS_MAX];
    size_t ndomains;
    double norm; /* log(N + 1) */
    double ndocs;
};

static int cmp_entry(const void *x, const void *y)
{
    return strcmp(((const entry *)x)->stem, ((const entry *)y)->stem);
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

int ai_stems_push(arena *a, ai_stems *s, const char *stem)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        const char **nv = arena_alloc(a, cap * sizeof(*nv));
        if (nv == NULL)
            return IA_ERR_NOMEM;
        if (s->n > 0)
            memcpy(nv, s->v, s->n * sizeof(*nv));
        s->v = nv;
        s->cap = cap;
    }
    s->v[s->n++] = stem;
    return IA_OK;
}

void ai_stems_finish(ai_stems *s)
{
    if (s->n == 0)
        return;
    qsort(s->v, s->n, sizeof(*s->v), cmp_str);
    size_t w = 1;
    for (size_t i = 1; i < s->n; i++)
        if (strcmp(s->v[i], s->v[w - 1]) != 0)
            s->v[w++] = s->v[i];
    s->n = w;
}

long ai_stems_index(const ai_stems *s, const char *stem)
{
    const char **p = s->n > 0 ? bsearch(&stem, s->v, s->n, sizeof(*s->v), cmp_str) : NULL;
    return p != NULL ? (long)(p - s->v) : -1;
}

bool ai_stems_has(const ai_stems *s, const char *stem)
{
    return ai_stems_index(s, stem) >= 0;
}

/* Adds the content stems of text to the document doc (duplicates removed later). */
static int add_text(arena *a, const ai_text_lexicon *lx, ai_stems *doc, const char *text)
{
    if (text == NULL)
        return IA_OK;
    ai_text t;
    int rc = ai_text_tokenize(a, lx, text, &t);
    for (size_t i = 0; rc == IA_OK && i < t.n; i++)
        if (!(t.v[i].flags & (AI_TEXT_STOP | AI_TEXT_NUMBER | AI_TEXT_NUMWORD)))
            rc = ai_stems_push(a, doc, t.v[i].stem);
    return rc;
}

/* The growing stem lists of the roles' domains, finished by finish_domains. */
typedef struct {
    const char *role;
    ai_stems s;
} domain_build;

static int add_to_domains(arena *a, domain_build *d, size_t *nd, const ai_strs *roles,
                          const ai_stems *doc)
{
    for (size_t r = 0; r < roles->n; r++) {
        size_t k = 0;
        while (k < *nd && strcmp(d[k].role, roles->v[r]) != 0)
            k++;
        if (k == *nd) {
            if (*nd == DOMAINS_MAX)
                continue; /* more roles than the bank has: they go without a domain */
            d[(*nd)++] = (domain_build){ roles->v[r], { 0 } };
        }
        for (size_t i = 0; i < doc->n; i++)
            if (ai_stems_push(a, &d[k].s, doc->v[i]) != IA_OK)
                return IA_ERR_NOMEM;
    }
    return IA_OK;
}

/* Appends the distinct stems of one question to all, and to the domains of its roles. */
static int add_question(arena *a, const ai_text_lexicon *lx, const ai_bank_item *item,
                        ai_stems *all, domain_build *d, size_t *nd)
{
    const ai_question *q = &item->question;
    ai_stems doc = { 0 };
    int rc = add_text(a, lx, &doc, q->text);
    if (rc == IA_OK)
        rc = add_text(a, lx, &doc, q->model_answer);
    for (size_t p = 0; rc == IA_OK && p < q->nkey_points; p++) {
        rc = add_text(a, lx, &doc, q->key_points[p].point);
        for (size_t k = 0; rc == IA_OK && k < q->key_points[p].terms.n; k++)
            rc = add_text(a, lx, &doc, q->key_points[p].terms.v[k]);
    }
    if (rc != IA_OK || doc.n == 0)
        return rc;
    ai_stems_finish(&doc);
    for (size_t i = 0; rc == IA_OK && i < doc.n; i++)
        rc = ai_stems_push(a, all, doc.v[i]);
    return rc == IA_OK ? add_to_domains(a, d, nd, &item->roles, &doc) : rc;
}

/* Sorts each domain's stems and drops repeats. */
static void finish_domains(ai_corpus *c, domain_build *d, size_t nd)
{
    for (size_t k = 0; k < nd; k++) {
        ai_stems_finish(&d[k].s);
        c->domains[c->ndomains++] = (ai_corpus_domain){ d[k].role, d[k].s };
    }
}

int ai_corpus_build(const ai_bank *b, const ai_text_lexicon *lx, ai_corpus **out)
{
    ai_corpus *c = calloc(1, sizeof(*c));
    if (c == NULL || (c->a = arena_create(CORPUS_ARENA_MAX)) == NULL) {
        free(c);
        return IA_ERR_NOMEM;
    }
    ai_stems all = { 0 };
    domain_build *domains = arena_calloc(c->a, DOMAINS_MAX, sizeof(domain_build));
    size_t ndocs = 0, nd = 0;
    int rc = domains == NULL ? IA_ERR_NOMEM : lx == NULL ? ai_text_lexicon_build(c->a, &lx) : IA_OK;
    for (size_t i = 0; rc == IA_OK && i < ai_bank_count(b); i++, ndocs++)
        rc = add_question(c->a, lx, ai_bank_get(b, i), &all, domains, &nd);
    for (size_t i = 0; rc == IA_OK && i < ai_bank_template_count(b); i++, ndocs++)
        rc = add_question(c->a, lx, ai_bank_template(b, i), &all, domains, &nd);
    if (rc == IA_OK)
        finish_domains(c, domains, nd);
    if (rc == IA_OK && all.n > 0) {
        qsort(all.v, all.n, sizeof(*all.v), cmp_str);
        if ((c->v = arena_alloc(c->a, all.n * sizeof(entry))) == NULL)
            rc = IA_ERR_NOMEM;
        for (size_t i = 0; rc == IA_OK && i < all.n; i++) {
            if (c->n > 0 && strcmp(c->v[c->n - 1].stem, all.v[i]) == 0)
                c->v[c->n - 1].df++;
            else
                c->v[c->n++] = (entry){ all.v[i], 1 };
        }
    }
    if (rc != IA_OK) {
        ai_corpus_free(c);
        return rc;
    }
    c->ndocs = (double)ndocs;
    c->norm = log(c->ndocs + 1.0);
    *out = c;
    return IA_OK;
}

void ai_corpus_free(ai_corpus *c)
{
    if (c == NULL)
        return;
    arena_destroy(c->a);
    free(c);
}

double ai_corpus_weight(const ai_corpus *c, const char *stem)
{
    if (c == NULL || c->n == 0 || c->norm <= 0)
        return 1.0;
    entry key = { stem, 0 };
    const entry *e = bsearch(&key, c->v, c->n, sizeof(entry), cmp_entry);
    double df = e ? (double)e->df : 0.0;
    return log((c->ndocs + 1.0) / (df + 1.0)) / c->norm;
}

const ai_corpus_domain *ai_corpus_domain_of(const ai_corpus *c, const char *role)
{
    for (size_t k = 0; c != NULL && role != NULL && k < c->ndomains; k++)
        if (strcmp(c->domains[k].role, role) == 0)
            return &c->domains[k];
    return NULL;
}

bool ai_corpus_domain_has(const ai_corpus_domain *d, const char *stem)
{
    return d != NULL && ai_stems_has(&d->stems, stem);
}

/* The question bank (docs/api.md §4.7): browse the offline engine's questions by role,
 * category, difficulty and text, and read one. Items carry what a user needs to choose a
 * question to practise — never its model answer or rubric, which would give the answer away;
 * practising one is POST /interview/practice (interviews.c). The bank is built into the
 * binary and read-only, so these routes touch no database. */
#include <jansson.h>
#include <string.h>

#include "ai/chain.h"
#include "ai/offline.h"
#include "api/api.h"
#include "api/questions.h"
#include "api/render.h"
#include "core/errors.h"
#include "core/util.h"

#define QUESTIONS "/api/v1/questions"
#define PAGE_MAX  100 /* the largest limit of V_QUERY_LIMIT */

static const char *const CATEGORIES[] = { "technical", "behavioral", "project", "system_design",
                                          "coding",    "general",    NULL };
static const char *const DIFFICULTIES[] = { "easy", "medium", "hard", NULL };

static const ai_bank *bank_of(const http_req *req)
{
    return ai_offline_bank(ai_chain_offline(((ia_app *)req->app)->ai));
}

const ai_bank_item *questions_find(const http_req *req, const char *id)
{
    const ai_bank *b = bank_of(req);
    for (size_t i = 0; b != NULL && id != NULL && i < ai_bank_count(b); i++) {
        const ai_bank_item *it = ai_bank_get(b, i);
        if (strcmp(it->question.bank_id, id) == 0)
            return it;
    }
    return NULL;
}

static json_t *strs_json(const ai_strs *s)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < s->n; i++)
        json_array_append_new(arr, json_string(s->v[i]));
    return arr;
}

/* One BankQuestion: no model answer, no key points' text. */
static json_t *render_item(const ai_bank_item *it)
{
    const ai_question *q = &it->question;
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:I}", "id", q->bank_id, "text", q->text,
                     "category", q->category, "difficulty", q->difficulty, "roles",
                     strs_json(&it->roles), "skills", strs_json(&q->skills), "key_points_count",
                     (json_int_t)q->nkey_points);
}

static const v_field list_query[] = {
    V_QUERY_SKIP,
    V_QUERY_LIMIT("20"),
    { "role", V_STRING, 0, 0, 100, .example = "backend engineer",
      .description = "Questions for a role whose name holds this text (any case), and those "
                     "that suit any role" },
    { "category", V_STRING, 0, 0, 20, CATEGORIES, .description = "Only this category" },
    { "difficulty", V_STRING, 0, 0, 10, DIFFICULTIES, .description = "Only this difficulty" },
    V_QUERY_SEARCH("Text found in the question, in any case"),
};

/* GET /questions: a page of the bank's questions that the filters keep, in bank order. */
static int questions_list(http_req *req, http_res *res)
{
    v_value q[V_COUNT(list_query)];
    int rc = validate_query(req, res, list_query, V_COUNT(list_query), q);
    if (rc != IA_OK)
        return rc;
    const ai_bank *b = bank_of(req);
    if (b == NULL)
        return IA_ERR_UNAVAILABLE;
    ai_bank_filter f = { .role = q[2].present ? q[2].s : NULL,
                         .category = q[3].present ? q[3].s : NULL,
                         .difficulty = q[4].present ? q[4].s : NULL,
                         .search = q[5].present ? q[5].s : NULL };
    const ai_bank_item *page[PAGE_MAX];
    size_t total = 0;
    size_t n = ai_bank_select(b, &f, (size_t)q[0].i, (size_t)q[1].i, page, &total);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, render_item(page[i]));
    return http_json(res, 200, render_page(items, (long long)total, q[0].i, q[1].i));
}

/* GET /questions/{question_id}: one question of the bank. */
static int questions_get(http_req *req, http_res *res)
{
    const ai_bank_item *it = questions_find(req, http_param(req, "question_id"));
    if (it == NULL)
        return http_error(res, 404, "NOT_FOUND", "Question not found");
    return http_json(res, 200, render_item(it));
}

/* ---- documentation -------------------------------------------------------------------------- */

static const j_field item_fields[] = {
    { "id", J_STRING, .description = "The bank id (POST /interview/practice takes it)" },
    { "text", J_STRING },
    { "category", J_STRING, .choices = CATEGORIES },
    { "difficulty", J_STRING, .choices = DIFFICULTIES },
    { "roles", J_ARRAY, .items = J_STRING,
      .description = "Lower-case role names it suits; [] when it suits any role" },
    { "skills", J_ARRAY, .items = J_STRING },
    { "key_points_count", J_INTEGER, J_NONNEG,
      .description = "Key points an answer is graded on (their text is not shown)" },
};
static const j_object item_schema = J_OBJECT_OF(
    "BankQuestion", "A question of the bank, without its model answer or rubric", item_fields);

static const http_doc list_doc = {
    .description = "In bank order. Project templates (filled from a resume) are not listed.",
    .query = list_query,
    .nquery = V_COUNT(list_query),
    .responses = (const doc_response[]){ { 0, DOC_PAGE, &item_schema }, { .shape = DOC_END } },
};

static const http_doc get_doc = {
    .responses = (const doc_response[]){ { 0, DOC_JSON, &item_schema }, { .shape = DOC_END } },
    .errors = (const doc_error[]){ { 404, "NOT_FOUND", "no bank question has this id" }, { 0 } },
};

const http_route question_routes[] = {
    { "GET", QUESTIONS, questions_list, 0, AUTH_USER, RL_DEFAULT, 200,
      "Browse the question bank by role, category and difficulty", "questions", &list_doc },
    { "GET", QUESTIONS "/{question_id}", questions_get, 0, AUTH_USER, RL_DEFAULT, 200,
      "One question of the bank", "questions", &get_doc },
};
const size_t question_routes_count = COUNT(question_routes);

/* The question bank as a resource (docs/api.md §4.7): what interviews.c needs of it to start a
 * single-question practice. */
#ifndef IA_API_QUESTIONS_H
#define IA_API_QUESTIONS_H

#include "ai/bank.h"
#include "http/http.h"

/* The bank question (not a project template) with this id, or NULL. */
const ai_bank_item *questions_find(const http_req *req, const char *id);

#endif

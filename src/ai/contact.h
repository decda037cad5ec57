/* Contact details from the top of a resume's text: name, e-mail, phone, location and links,
 * as the offline parser reports them (docs/api.md §5 Analysis). Nothing is invented: a field the
 * text does not show is NULL (links: none). */
#ifndef IA_AI_CONTACT_H
#define IA_AI_CONTACT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

#define AI_LINKS_MAX 8

typedef struct {
    const char *name;
    const char *email;
    const char *phone;               /* as written */
    const char *location;            /* "City, ST" or "City, Region" */
    const char *links[AI_LINKS_MAX]; /* with https:// when the text left the scheme out */
    size_t nlinks;
    bool name_labelled; /* the name came after a "Name:" label */
    int name_line;      /* which line with text held the name: 1 for the first */
    int location_kind;  /* 0 none, 1 a loose place on the contact line, 2 "City, Region",
                         * 3 read from a postal address */
} ai_contact;

/* Extracts the contact details of text into out; strings live in a. */
int ai_contact_parse(arena *a, const char *text, ai_contact *out);

#endif

#include "http/reqid.h"

#include <ctype.h>
#include <string.h>

#include "core/uuid.h"

bool reqid_valid(const char *s)
{
    if (s == NULL)
        return false;
    size_t n = 0;
    for (; s[n]; n++) {
        if (n >= HTTP_REQUEST_ID_MAX)
            return false;
        unsigned char c = (unsigned char)s[n];
        if (!isalnum(c) && c != '.' && c != '_' && c != '-')
            return false;
    }
    return n > 0;
}

void reqid_resolve(const char *incoming, char out[HTTP_REQUEST_ID_MAX + 1])
{
    if (reqid_valid(incoming)) {
        size_t n = strlen(incoming);
        memcpy(out, incoming, n + 1);
        return;
    }
    ia_uuid_v4(out);
}

/* Small helpers every module may use (docs/design.md, "Style": one home for each helper). */
#ifndef IA_CORE_UTIL_H
#define IA_CORE_UTIL_H

/* The number of elements of an array (not a pointer): the one home of this idiom. */
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTNET_UTF8_H
#define HOSTNET_UTF8_H

#include <stddef.h>

/* Length of the valid UTF-8 sequence at s (strict: no overlong forms, no surrogates,
 * nothing above U+10FFFF), or 0. left: the bytes readable from s, at least 1. */
size_t hn_utf8_len(const unsigned char *s, size_t left);

#endif

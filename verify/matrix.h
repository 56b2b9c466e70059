/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who heard what, and what it means. Pure: the listening window records each probe frame a
 * probe receives (which emission, tagged or not); the evaluation turns the table into
 * checks. Unit tests fill the table by hand.
 *
 * What a receiver r must hear of an emission e: e is admitted by the switch, r is not its
 * sender, and r carries e's VLAN (an access probe its own VLAN, untagged; a trunk probe each
 * VLAN of its set, tagged with that VLAN). Anything else heard is a fault:
 * - an access probe hearing another VLAN's frame, or a matrix trunk hearing another VLAN's
 *   frame tagged with one of its VLANs: the two VLANs leak into each other, whatever the
 *   path (the switch, or a link made outside it);
 * - a trunk probe hearing a VLAN outside its set, or one of its VLANs untagged;
 * - a frame a trunk probe tagged outside its set heard anywhere: the trunk admits it.
 */
#ifndef HOSTNET_VERIFY_MATRIX_H
#define HOSTNET_VERIFY_MATRIX_H

#include "checks.h"
#include "probe_plan.h"

#include <stdbool.h>
#include <stdint.h>

#define HN_VERIFY_HEARING_TAGS 4

struct hn_verify_hearing {
	uint16_t untagged; /* frames heard without a tag */
	uint16_t tagged;   /* frames heard with a tag */
	uint16_t
	    tags[HN_VERIFY_HEARING_TAGS]; /* the distinct VLAN ids they carried, first seen first */
	uint8_t n_tags;
	bool more_tags; /* more distinct ids than tags[] holds */
};

struct hn_verify_matrix {
	const struct hn_verify_probe_plan *plan;
	struct hn_verify_hearing *h; /* [receiver * n_emissions + emission] */
	size_t expected;	     /* pairs that must be heard */
	size_t heard;		     /* of those, heard as they should be */
};

int hn_verify_matrix_init(struct hn_verify_matrix *m, const struct hn_verify_probe_plan *plan);
void hn_verify_matrix_free(struct hn_verify_matrix *m);

bool hn_verify_matrix_expected(const struct hn_verify_probe_plan *p, size_t receiver,
			       size_t emission);
/* One frame of emission heard by receiver; tagged with VLAN id vid when tagged. */
void hn_verify_matrix_record(struct hn_verify_matrix *m, size_t receiver, size_t emission,
			     bool tagged, unsigned vid);
const struct hn_verify_hearing *hn_verify_matrix_at(const struct hn_verify_matrix *m,
						    size_t receiver, size_t emission);
/* Has receiver heard emission the way it must (matrix.c's heard_right)? */
bool hn_verify_matrix_heard_right(const struct hn_verify_matrix *m, size_t receiver,
				  size_t emission);
/* Every expected pair heard as it should be. */
bool hn_verify_matrix_complete(const struct hn_verify_matrix *m);

/*
 * Append the checks: per VLAN "vlan V forwarding" and "vlan V isolation"; per trunk probe
 * "trunk NAMES" (what it receives) and "trunk NAMES ingress" (what it may send).
 */
int hn_verify_matrix_evaluate(const struct hn_verify_matrix *m, struct hn_verify_checks *out);

#endif

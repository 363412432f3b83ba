// SPDX-License-Identifier: GPL-2.0
/* libkmlv.so, the good one: root installs it in /trusted/attacks/lib. */
const char *victim_lib(void)
{
	return "good";
}

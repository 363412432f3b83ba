/*
 * must_fail: a guest test that fails, the way a real one does: it says what
 * it expected and what it got.  The harness checks that the runner reports
 * it as a failure with that message.
 */
#include <stdio.h>

int main(void)
{
	printf("[RUN]\tcomparing 2 + 2 with 5\n");
	printf("[FAIL]\t2 + 2: expected 5, got %d\n", 2 + 2);
	return 1;
}

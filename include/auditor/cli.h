/*
 * cli.h: the command line. Parses options from one table that also drives
 * --help, runs the sub-command, prints diagnostics on stderr and the report
 * on stdout, and returns the exit code:
 *   0 clean, 1 findings over the --fail-on policy, 2 usage,
 *   3 an input, pattern file or the store failed (for redact: the input
 *   had problems, and the copy is written all the same), 4 redact only:
 *   the copy was not written (or, on stdout, not finished).
 */
#ifndef AUDITOR_CLI_H
#define AUDITOR_CLI_H

enum {
	AUD_EXIT_OK = 0,
	AUD_EXIT_FINDINGS = 1,
	AUD_EXIT_USAGE = 2,
	AUD_EXIT_ERROR = 3,
	AUD_EXIT_NOT_WRITTEN = 4
};

/* Runs the command line and returns the process exit code. */
int aud_cli_main(int argc, char **argv);

#endif

/*
 * main.c: the auditor executable. All the work is in cli.c and the core
 * library; this file only hands over argv and returns the exit code.
 */
#include "auditor/cli.h"

int main(int argc, char **argv)
{
	return aud_cli_main(argc, argv);
}

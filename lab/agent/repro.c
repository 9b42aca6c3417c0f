/*
 * The runtime of a C reproducer (`negcheck repro FILE --c` emits a program of vduse.c, vhost.c,
 * this file and a main that runs the trace's syscalls): set the device up as negcheck's VMM has it,
 * capture each op's answer line, print it beside the model's, and say whether the kernel showed the
 * violation. Not part of the agent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vhost.h"

/* seconds a reproducer may take: SIGALRM ends one whose syscall never returns */
#define REPRO_TIME_LIMIT_S 60

static char repro_line[1 << 18]; /* one answer line: a read of up to 64 KiB is 128 Ki hex digits */
static FILE *repro_out;
static int repro_steps, repro_first_diff = -1, repro_first_diff_op = -1;

static const char *repro_errno_name(int e)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
	const char *n = strerrorname_np(e);
	if (n) return n;
#endif
	static char buf[16];
	snprintf(buf, sizeof buf, "%d", e);
	return buf;
}

/* the set-up negcheck's VMM makes (lab/agent/vhost.c lab_trace_begin); exit 2 when it cannot be made here */
void repro_begin(const char *device, unsigned long long cid)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	int r = lab_map_env();
	if (r) {
		printf("negcheck: cannot lay out negcheck's addresses (guest RAM at 0x%llx, %s): %s; exit 2\n",
		       (unsigned long long)lab_env.ram_hva, r == -1 ? "guest RAM" : "the features-array page", repro_errno_name(errno));
		exit(2);
	}
	r = lab_open_backends();
	if (r && strcmp(device, "/dev/vhost-net") == 0) {
		printf("negcheck: cannot make the tap vhost-net's backend would be (/dev/net/tun): -%s; exit 2\n", repro_errno_name(-r));
		exit(2);
	}
	const char *step = "";
	/* the process id names a VDUSE device: one a killed run left behind does not stand in the way */
	r = lab_trace_begin(getpid(), device, cid, &step);
	if (r) {
		printf("negcheck: cannot set %s up as negcheck's VMM does: %s failed: -%s (is the module loaded? run as root); exit 2\n",
		       device, step, repro_errno_name(-r));
		lab_trace_close(&step);
		exit(2);
	}
	/* a syscall that never returns (a kernel that hangs) ends the program here rather than never */
	alarm(REPRO_TIME_LIMIT_S);
	printf("negcheck: %s set up (owner, guest RAM, the rings)\n", device);
}

/* where the next op writes its answer line */
FILE *step_begin(void)
{
	repro_out = fmemopen(repro_line, sizeof repro_line, "w");
	if (!repro_out) { perror("fmemopen"); exit(2); }
	return repro_out;
}

/* two answer lines agree; "q=unknown" (a message was readable already) agrees with either */
static int repro_same(const char *kernel, const char *model)
{
	if (strcmp(kernel, model) == 0) return 1;
	const char *q = strstr(kernel, " q=unknown");
	const char *mq = strstr(model, " q=");
	return q && mq && q - kernel == mq - model && strncmp(kernel, model, (size_t)(q - kernel)) == 0;
}

/* trace op OP's syscall WHAT answered: print it beside the model's answer (MODEL_LINE, said as MODEL_TEXT) */
void step_end(int op, const char *what, const char *model_line, const char *model_text)
{
	fclose(repro_out);
	repro_line[strcspn(repro_line, "\n")] = '\0';
	int same = repro_same(repro_line, model_line);
	char name[64] = "";
	int ret = 0;
	if (sscanf(repro_line, "= %d", &ret) == 1 && ret < 0) snprintf(name, sizeof name, " (-%s)", repro_errno_name(-ret));
	printf("op %d  %s\n  kernel: %s%s\n  model:  %s   (%s)%s\n", op, what, repro_line, name, model_line, model_text,
	       same ? "" : "   <-- differs");
	if (!same && repro_first_diff < 0) { repro_first_diff = repro_steps; repro_first_diff_op = op; }
	repro_steps++;
}

/*
 * The verdict. SHOWN_BY_DIFFERENCE 0: 1 when every answer was the model's. The property is a
 * function of the trace's answers (a violation found at one op can rest on a later one's: I4's
 * reset, then the access that still translates), so the kernel shows it only when it answered the
 * whole trace as the model did. SHOWN_BY_DIFFERENCE 1 (a K entry, "the model answers as the kernel
 * does"): 1 when an answer differed.
 */
int repro_end(const char *property, int violation_op, int shown_by_difference)
{
	const char *step = "";
	if (lab_trace_close(&step)) printf("negcheck: closing the device failed at %s\n", step);
	if (shown_by_difference) {
		if (repro_first_diff >= 0) {
			printf("negcheck: the kernel shows the difference from the model this %s entry records: syscall %d (op %d); exit 1\n",
			       property, repro_first_diff, repro_first_diff_op);
			return 1;
		}
		printf("negcheck: the kernel answered every syscall as the model does now (the %s entry recorded a difference at op %d); exit 0\n",
		       property, violation_op);
		return 0;
	}
	if (repro_first_diff >= 0) {
		printf("negcheck: the kernel does NOT show the violation of %s: syscall %d (op %d) answered otherwise than the model; exit 0\n",
		       property, repro_first_diff, repro_first_diff_op);
		return 0;
	}
	printf("negcheck: the kernel shows the violation of %s (at op %d): it answered every syscall as the model did; exit 1\n", property, violation_op);
	return 1;
}

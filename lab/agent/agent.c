/*
 * negcheck's guest agent (lab/): runs inside a lab kernel booted under QEMU, started by /init once
 * the vhost modules are loaded. It always says on the console which kernel it runs on and which
 * devices answer (the smoke lines, each starting with "NEGCHECK "). Booted with "negcheck.serve" on
 * the kernel command line it then runs traces the host sends over a virtio-console port named
 * "negcheck" (an emulated UART moves about 100 KB/s under TCG; virtio several MB/s), one op at a time on a fresh vhost fd per trace, with the real syscalls, and answers each op on
 * the same port. The protocol is lab/protocol.ts's (the host's side); in short:
 *
 *   host:  env RAM_HVA RAM_SIZE FA_ADDR FA_WORDS      (hex)  the harness's addresses (types/harness.ts)
 *          ring VQ NUM DESC AVAIL USED              (hex)  each vq's ring addresses
 *          vdpa FEATURES                            (hex)  the VDUSE parent's device features
 *          trace ID DEVICE CID                             DEVICE: vhost-net | vhost-vsock | vhost-vdpa
 *          OP ARGS...                                      one line per op (run_op below; hang and crash
 *                                                          are the host's tests of a guest that fails)
 *          end                                             close the fds, report the kernel log
 *          exec HEX SECONDS                                run a program (a C reproducer): exec_program
 *          quit                                            power off
 *   agent: hello RELEASE | trace ID ok | trace ID setup STEP -ERRNO | = RET [v=HEX] [b=HEX]
 *          [w=HEX,HEX,...] [q=queued|none|unknown] [s=HEX:LEN,...] | kmsg TEXT | end ID NS | bye | error TEXT
 *          | out TEXT | exit CODE | exit signal N | exit timeout
 *
 * The device and its ops are vhost.c's, which a C reproducer shares.
 *
 * vhost-vdpa runs over a VDUSE device the agent creates for each trace (vduse.c): the kernel's
 * vDPA parent is then the agent's own child process answering the device side, and a device
 * access (acc) is translated by the parent's IOTLB as VDUSE_IOTLB_GET_FD shows it.
 *
 * Built static with gcc at lab set-up (lab/setup.ts): the initramfs has no libc.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/reboot.h>
#include <linux/vhost.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "vduse.h"
#include "vhost.h"

static FILE *out;      /* answers to the host (the virtio-console port) */
static int kmsg = -1;  /* /dev/kmsg, read after each trace for WARN/BUG/oops */
static int have_env;   /* the harness's addresses are laid out */

/* ---- the smoke lines on the console ---------------------------------------------------------- */

static void say_device(const char *path, int vhost)
{
	int fd = open(path, O_RDWR);
	if (fd < 0) {
		printf("NEGCHECK device %s absent errno=%d\n", path, errno);
		return;
	}
	if (!vhost) {
		printf("NEGCHECK device %s present\n", path);
		close(fd);
		return;
	}
	uint64_t features = 0;
	int owner = ioctl(fd, VHOST_SET_OWNER);
	int got = ioctl(fd, VHOST_GET_FEATURES, &features);
	printf("NEGCHECK device %s present set_owner=%d get_features=%d features=0x%llx\n", path,
	       owner < 0 ? -errno : owner, got < 0 ? -errno : got, (unsigned long long)features);
	close(fd);
}

/* ---- parsing --------------------------------------------------------------------------------- */

static char *next_tok(char **s)
{
	char *t = strsep(s, " ");
	while (t && *t == '\0') t = strsep(s, " ");
	return t;
}

static int hex_u64(char **s, uint64_t *v)
{
	char *t = next_tok(s), *end;
	if (!t) return -1;
	errno = 0;
	*v = strtoull(t, &end, 16);
	return errno || *end ? -1 : 0;
}

static int dec_i64(char **s, int64_t *v)
{
	char *t = next_tok(s), *end;
	if (!t) return -1;
	errno = 0;
	*v = strtoll(t, &end, 10);
	return errno || *end ? -1 : 0;
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	return -1;
}

/* "-" is no bytes; else an even number of lower-case hex digits, decoded in place */
static long hex_bytes(char *t, unsigned char **bytes)
{
	*bytes = (unsigned char *)t;
	if (strcmp(t, "-") == 0) return 0;
	size_t n = strlen(t);
	if (n % 2) return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_nibble(t[2 * i]), lo = hex_nibble(t[2 * i + 1]);
		if (hi < 0 || lo < 0) return -1;
		(*bytes)[i] = (unsigned char)(hi << 4 | lo);
	}
	return (long)(n / 2);
}

/* ---- a trace ---------------------------------------------------------------------------------- */

static int in_trace; /* between "trace" and "end" */
static int trace_ok; /* its set-up succeeded: its ops run */
static struct timespec op_t0;
static uint64_t trace_ns;

/* a device the kernel would not tear down is said as a kernel log line: the host reports it as a finding */
static void trace_close(void)
{
	const char *step = "";
	int r = lab_trace_close(&step);
	if (r) fprintf(out, "kmsg negcheck agent: tearing the device down failed at %s: %d\n", step, r);
	trace_ok = 0;
}

/* one op line; 0 when it was understood */
static int run_op(char *line)
{
	char *s = line, *op = next_tok(&s);
	uint64_t x, y;
	int64_t i;
	if (!op) return -1;
	if (strcmp(op, "gf") == 0) {
		op_get_features(out, VHOST_GET_FEATURES);
	} else if (strcmp(op, "gbf") == 0) {
		op_get_features(out, VHOST_GET_BACKEND_FEATURES);
	} else if (strcmp(op, "sf") == 0 || strcmp(op, "sbf") == 0) {
		if (hex_u64(&s, &x)) return -1;
		op_set_features(out, op[1] == 'f' ? VHOST_SET_FEATURES : VHOST_SET_BACKEND_FEATURES, x);
	} else if (strcmp(op, "gfa") == 0) {
		uint64_t words[LAB_FA_WORDS_MAX];
		if (hex_u64(&s, &x) || hex_u64(&s, &y)) return -1;
		for (uint64_t k = 0; k < lab_env.fa_words; k++) words[k] = y;
		op_features_array(out, VHOST_GET_FEATURES_ARRAY, x, words);
	} else if (strcmp(op, "sfa") == 0) {
		uint64_t words[LAB_FA_WORDS_MAX] = { 0 };
		if (hex_u64(&s, &x)) return -1;
		for (uint64_t k = 0; k < lab_env.fa_words; k++)
			if (hex_u64(&s, &words[k])) return -1;
		op_features_array(out, VHOST_SET_FEATURES_ARRAY, x, words);
	} else if (strcmp(op, "w") == 0) {
		unsigned char *bytes;
		char *t = next_tok(&s);
		long n = t ? hex_bytes(t, &bytes) : -1;
		if (n < 0) return -1;
		op_write(out, bytes, (size_t)n);
	} else if (strcmp(op, "r") == 0) {
		if (dec_i64(&s, &i) || i < 0 || i > 65536) return -1;
		op_read(out, (size_t)i);
	} else if (strcmp(op, "vss") == 0) {
		if (dec_i64(&s, &i)) return -1;
		op_vdpa_set_status(out, (uint32_t)i);
	} else if (strcmp(op, "vgs") == 0) {
		op_vdpa_get_status(out);
	} else if (strcmp(op, "run") == 0) {
		if (dec_i64(&s, &i)) return -1;
		op_vsock_set_running(out, (int)i);
	} else if (strcmp(op, "nb") == 0) {
		char *which;
		int fd;
		if (dec_i64(&s, &i) || !(which = next_tok(&s))) return -1;
		if (strcmp(which, "tap") == 0) fd = lab_tap;
		else if (strcmp(which, "none") == 0) fd = -1;
		else if (strcmp(which, "notsock") == 0) fd = lab_devnull;
		else return -1;
		op_net_set_backend(out, (unsigned)i, fd);
	} else if (strcmp(op, "acc") == 0) {
		if (hex_u64(&s, &x) || hex_u64(&s, &y) || dec_i64(&s, &i)) return -1;
		op_access(out, x, y, (unsigned)i);
	} else if (strcmp(op, "hang") == 0) {
		/* for the host's tests: a guest that stops answering, and one whose agent dies (init exits: panic) */
		fflush(out);
		for (;;) pause();
	} else if (strcmp(op, "crash") == 0) {
		fflush(out);
		_exit(1);
	} else {
		return -1;
	}
	return 0;
}

/* the kernel log since the last call: a WARN, BUG or oops is a finding */
static void report_kmsg(void)
{
	char rec[8192];
	ssize_t n;
	while ((n = read(kmsg, rec, sizeof rec - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0) continue;
		rec[n] = '\0';
		char *msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		msg[strcspn(msg, "\n")] = '\0';
		if (strstr(msg, "WARNING:") || strstr(msg, "BUG:") || strstr(msg, "Oops") || strstr(msg, "kernel BUG") ||
		    strstr(msg, "UBSAN:") || strstr(msg, "general protection") || strstr(msg, "refcount_t:"))
			fprintf(out, "kmsg %s\n", msg);
	}
}


static uint64_t ns_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)(t.tv_sec - t0->tv_sec) * 1000000000ULL + (uint64_t)(t.tv_nsec - t0->tv_nsec);
}

/* the /dev node of the virtio-console port with this name (/sys/class/virtio-ports/vportNpM/name) */
static int find_port(const char *name, char *path, size_t len)
{
	for (int wait = 0; wait < 200; wait++) {
		for (int dev = 0; dev < 8; dev++) {
			for (int p = 0; p < 8; p++) {
				char sys[96], got[64] = "";
				snprintf(sys, sizeof sys, "/sys/class/virtio-ports/vport%dp%d/name", dev, p);
				int fd = open(sys, O_RDONLY);
				if (fd < 0) continue;
				ssize_t n = read(fd, got, sizeof got - 1);
				close(fd);
				got[n > 0 ? n : 0] = '\0';
				got[strcspn(got, "\n")] = '\0';
				if (strcmp(got, name) == 0) {
					snprintf(path, len, "/dev/vport%dp%d", dev, p);
					return 0;
				}
			}
		}
		usleep(10000); /* the port appears once virtio_console has probed it */
	}
	errno = ENOENT;
	return -1;
}

/*
 * exec HEX SECONDS: run a program the host built (a C reproducer, `negcheck repro --c`) as its own
 * process, as a kernel developer would run it. Its output comes back line by line ("out TEXT"), then
 * what the kernel logged, then "exit CODE", "exit signal N" or "exit timeout" (killed after SECONDS).
 */
static void exec_program(const unsigned char *bytes, size_t n, int timeout)
{
	static int count;
	static char line[1 << 18]; /* a reproducer's answer line: a 64 KiB read is 128 Ki hex digits */
	char path[64];
	snprintf(path, sizeof path, "/negcheck-program-%d", count++);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd < 0) { fprintf(out, "error exec: creating %s: %d\n", path, errno); return; }
	if (write(fd, bytes, n) != (ssize_t)n) {
		fprintf(out, "error exec: writing %s: %d\n", path, errno);
		close(fd);
		unlink(path);
		return;
	}
	close(fd);
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0) { fprintf(out, "error exec: pipe: %d\n", errno); unlink(path); return; }
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(out, "error exec: fork: %d\n", errno);
		close(pipefd[0]);
		close(pipefd[1]);
		unlink(path);
		return;
	}
	if (pid == 0) {
		setpgid(0, 0);
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid); /* as the child does: the group exists before a timeout can kill it */
	close(pipefd[1]);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	const long long limit_ms = (long long)timeout * 1000;
	size_t len = 0;
	int timed_out = 0, status = 0, reaped = 0;
	/* its output until it closes it, then its exit; both within the time limit */
	for (;;) {
		long long left = limit_ms - (long long)(ns_since(&t0) / 1000000);
		struct pollfd p = { .fd = pipefd[0], .events = POLLIN };
		if (left <= 0 || poll(&p, 1, (int)(left < 1000 ? left : 1000)) < 0) { timed_out = left <= 0; if (timed_out) break; continue; }
		if (!(p.revents & (POLLIN | POLLHUP))) continue;
		char c;
		if (read(pipefd[0], &c, 1) <= 0) break;
		if (c == '\n' || len == sizeof line - 1) {
			line[len] = '\0';
			fprintf(out, "out %s\n", line);
			len = 0;
			if (c == '\n') continue;
		}
		line[len++] = c;
	}
	close(pipefd[0]);
	if (len) { line[len] = '\0'; fprintf(out, "out %s\n", line); }
	while (!timed_out && !reaped) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid) reaped = 1;
		else if (ns_since(&t0) / 1000000 >= (uint64_t)limit_ms) timed_out = 1;
		else usleep(10000);
	}
	if (timed_out) {
		kill(-pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	unlink(path);
	if (kmsg >= 0) report_kmsg();
	if (timed_out) fprintf(out, "exit timeout\n");
	else if (WIFSIGNALED(status)) fprintf(out, "exit signal %d\n", WTERMSIG(status));
	else fprintf(out, "exit %d\n", WEXITSTATUS(status));
}

static void serve(void)
{
	char path[300];
	int port = find_port("negcheck", path, sizeof path) ? -1 : open(path, O_RDWR | O_NOCTTY);
	if (port < 0) { printf("NEGCHECK serve-failed no virtio-console port \"negcheck\" errno=%d\n", errno); return; }
	FILE *in = fdopen(port, "r");
	out = fdopen(dup(port), "w");
	/* the answers go out at each trace's end (or when 1 MiB has gathered), not one write() each: glibc
	 * takes the size only with a buffer of ours */
	static char out_buf[1 << 20];
	setvbuf(out, out_buf, _IOFBF, sizeof out_buf);
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg >= 0) lseek(kmsg, 0, SEEK_END);
	int tap = lab_open_backends();
	struct utsname u;
	uname(&u);
	fprintf(out, "hello %s tap=%d\n", u.release, tap < 0 ? tap : 0);
	fflush(out);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int64_t id = -1;
	while ((n = getline(&line, &cap, in)) > 0) {
		line[strcspn(line, "\r\n")] = '\0';
		char *s = line, *cmd;
		if (in_trace && strcmp(line, "end") != 0) {
			if (!trace_ok) continue; /* the set-up failed: the host knows, its ops are not run */
			clock_gettime(CLOCK_MONOTONIC, &op_t0);
			if (run_op(line)) { fprintf(out, "error bad op: %.80s\n", line); fflush(out); }
			trace_ns += ns_since(&op_t0);
			continue;
		}
		cmd = next_tok(&s);
		if (!cmd) continue;
		if (strcmp(cmd, "env") == 0) {
			if (hex_u64(&s, &lab_env.ram_hva) || hex_u64(&s, &lab_env.ram_size) || hex_u64(&s, &lab_env.fa_addr) || hex_u64(&s, &lab_env.fa_words)) {
				fprintf(out, "error bad env\n");
			} else {
				int r = lab_map_env();
				have_env = r == 0;
				fprintf(out, r ? "error env mapping %d errno %d\n" : "env ok\n", r, errno);
			}
			fflush(out);
		} else if (strcmp(cmd, "ring") == 0) {
			int64_t vq;
			uint64_t num, d, a, us;
			if (dec_i64(&s, &vq) || vq < 0 || vq >= LAB_MAX_VQS || hex_u64(&s, &num) || hex_u64(&s, &d) || hex_u64(&s, &a) || hex_u64(&s, &us)) {
				fprintf(out, "error bad ring\n");
			} else {
				lab_env.ring[vq][0] = num; lab_env.ring[vq][1] = d; lab_env.ring[vq][2] = a; lab_env.ring[vq][3] = us;
				fprintf(out, "ring ok\n");
			}
			fflush(out);
		} else if (strcmp(cmd, "vdpa") == 0) {
			uint64_t f;
			if (hex_u64(&s, &f)) fprintf(out, "error bad vdpa\n");
			else { vduse_features(f); fprintf(out, "vdpa ok\n"); }
			fflush(out);
		} else if (strcmp(cmd, "trace") == 0) {
			char *device;
			int64_t cid;
			const char *step = "parse";
			int r = -EINVAL;
			if (!dec_i64(&s, &id) && (device = next_tok(&s)) && !dec_i64(&s, &cid) && have_env) {
				char path[64];
				snprintf(path, sizeof path, "/dev/%s", device);
				r = lab_trace_begin(id, path, (uint64_t)cid, &step);
			}
			trace_ns = 0;
			in_trace = 1;
			trace_ok = r == 0;
			if (r == 0) fprintf(out, "trace %lld ok\n", (long long)id);
			else {
				fprintf(out, "trace %lld setup %s %d\n", (long long)id, step, r);
				trace_close();
			}
			fflush(out);
		} else if (strcmp(cmd, "end") == 0) {
			in_trace = 0;
			trace_close();
			if (kmsg >= 0) report_kmsg();
			fprintf(out, "end %lld %llu\n", (long long)id, (unsigned long long)trace_ns);
			fflush(out);
		} else if (strcmp(cmd, "exec") == 0) {
			char *hex = next_tok(&s), *secs = next_tok(&s);
			unsigned char *bytes;
			long n = hex ? hex_bytes(hex, &bytes) : -1;
			long timeout = secs ? strtol(secs, NULL, 10) : 0;
			if (n <= 0 || timeout <= 0) fprintf(out, "error bad exec\n");
			else exec_program(bytes, (size_t)n, (int)timeout);
			fflush(out);
		} else if (strcmp(cmd, "quit") == 0) {
			break;
		} else {
			fprintf(out, "error unknown command: %.80s\n", cmd);
			fflush(out);
		}
	}
	fprintf(out, "bye\n");
	fflush(out);
}

int main(void)
{
	struct utsname u;
	char cmdline[4096] = "";
	setvbuf(stdout, NULL, _IONBF, 0);
	uname(&u);
	int c = open("/proc/cmdline", O_RDONLY);
	if (c >= 0) {
		ssize_t n = read(c, cmdline, sizeof cmdline - 1);
		cmdline[n > 0 ? n : 0] = '\0';
		close(c);
	}
	printf("NEGCHECK ready release=%s machine=%s\n", u.release, u.machine);
	say_device("/dev/vhost-net", 1);
	say_device("/dev/vhost-vsock", 1);
	say_device("/dev/vduse/control", 0);
	if (strstr(cmdline, "negcheck.serve")) serve();
	printf("NEGCHECK done\n");
	sync();
	reboot(LINUX_REBOOT_CMD_POWER_OFF);
	return 0;
}

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
 *          quit                                            power off
 *   agent: hello RELEASE | trace ID ok | trace ID setup STEP -ERRNO | = RET [v=HEX] [b=HEX]
 *          [w=HEX,HEX,...] [q=queued|none|unknown] [s=HEX:LEN,...] | kmsg TEXT | end ID NS | bye | error TEXT
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
#include <time.h>
#include <unistd.h>

#include "vduse.h"

/* 333c515d1896 (v6.17): struct vhost_features_array { __u64 count; __u64 features[]; } */
#ifndef VHOST_GET_FEATURES_ARRAY
#define VHOST_GET_FEATURES_ARRAY _IOR(VHOST_VIRTIO, 0x83, uint64_t)
#define VHOST_SET_FEATURES_ARRAY _IOW(VHOST_VIRTIO, 0x83, uint64_t)
#endif

#define MAX_VQS 2
#define VQ_IOV_MAX 16 /* types/harness.ts */

static struct {
	uint64_t ram_hva, ram_size, fa_addr, fa_words;
	uint64_t ring[MAX_VQS][4]; /* num, desc, avail, used */
	int have_env;
} env;

static FILE *out;      /* answers to the host (the virtio-console port) */
static int tap = -1;   /* the one tap of this boot, for VHOST_NET_SET_BACKEND */
static int devnull = -1;
static int kmsg = -1;  /* /dev/kmsg, read after each trace for WARN/BUG/oops */

static int neg_errno(long r) { return r < 0 ? -errno : (int)r; }

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

static void put_hex(const unsigned char *b, long n)
{
	if (n <= 0) { fputc('-', out); return; }
	for (long i = 0; i < n; i++) fprintf(out, "%02x", b[i]);
}

/* ---- the harness's address space: guest RAM and the features-array buffer --------------------- */

static int map_env(void)
{
	/* guest RAM is a shared memfd, as a VMM's is: vhost-vdpa in VA mode (VDUSE) maps only what a
	 * shared file backs (vhost_vdpa_va_map skips any other VMA without an error) */
	int ram_fd = memfd_create("negcheck-ram", 0);
	if (ram_fd < 0 || ftruncate(ram_fd, (off_t)env.ram_size) < 0) return -1;
	void *ram = mmap((void *)env.ram_hva, env.ram_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_NORESERVE | MAP_FIXED_NOREPLACE, ram_fd, 0);
	if (ram == MAP_FAILED || (uint64_t)ram != env.ram_hva) return -1;
	vduse_ram(ram_fd, env.ram_hva);
	/* the buffer ends where a page ends, and the next page stays unmapped: the kernel reading or
	 * clearing past its words faults (types/harness.ts FEATURES_ARRAY_ADDR) */
	uint64_t end = env.fa_addr + 8 * (1 + env.fa_words);
	uint64_t first = env.fa_addr & ~0xfffULL;
	if (end & 0xfff) return -2;
	void *fa = mmap((void *)first, end - first, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (fa == MAP_FAILED || (uint64_t)fa != first) return -3;
	return 0;
}

/* ---- a trace ---------------------------------------------------------------------------------- */

static int vfd = -1;
static int in_trace; /* between "trace" and "end"; vfd is -1 there when the set-up failed */
static int nvqs;
static struct timespec op_t0;
static uint64_t trace_ns;

static int readable(void)
{
	struct pollfd p = { .fd = vfd, .events = POLLIN };
	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/* open the device fresh and set it up as the harness's VMM has: owner, guest RAM, the rings */
static int vdpa; /* this trace runs on vhost-vdpa over a VDUSE device (vduse.c) */

static int trace_begin(long long id, const char *device, uint64_t cid, const char **step)
{
	vdpa = strcmp(device, "/dev/vhost-vdpa") == 0;
	if (vdpa) {
		/* the harness's vhost-vdpa VMM: owner, and nothing else (its maps are IOTLB messages) */
		vfd = vduse_begin(id, step);
		if (vfd < 0) return vfd;
		*step = "set_owner";
		return ioctl(vfd, VHOST_SET_OWNER) < 0 ? -errno : 0;
	}
	*step = "open";
	vfd = open(device, O_RDWR | O_NONBLOCK);
	if (vfd < 0) return -errno;
	nvqs = MAX_VQS;
	*step = "set_owner";
	if (ioctl(vfd, VHOST_SET_OWNER) < 0) return -errno;
	struct { struct vhost_memory m; struct vhost_memory_region r[1]; } mem = {
		.m = { .nregions = 1 },
		.r = { { .guest_phys_addr = 0, .memory_size = env.ram_size, .userspace_addr = env.ram_hva } },
	};
	*step = "set_mem_table";
	if (ioctl(vfd, VHOST_SET_MEM_TABLE, &mem) < 0) return -errno;
	for (int vq = 0; vq < nvqs; vq++) {
		struct vhost_vring_state num = { .index = vq, .num = (unsigned)env.ring[vq][0] };
		*step = "set_vring_num";
		if (ioctl(vfd, VHOST_SET_VRING_NUM, &num) < 0) return -errno;
		struct vhost_vring_addr a = { .index = vq, .desc_user_addr = env.ring[vq][1],
					      .avail_user_addr = env.ring[vq][2], .used_user_addr = env.ring[vq][3] };
		*step = "set_vring_addr";
		if (ioctl(vfd, VHOST_SET_VRING_ADDR, &a) < 0) return -errno;
	}
	if (strcmp(device, "/dev/vhost-vsock") == 0) {
		*step = "set_guest_cid";
		if (ioctl(vfd, VHOST_VSOCK_SET_GUEST_CID, &cid) < 0) return -errno;
	}
	return 0;
}

/* a device the kernel would not tear down is said as a kernel log line: the host reports it as a finding */
static void trace_close(void)
{
	const char *step = "";
	int r = vdpa ? vduse_end(vfd, &step) : (vfd >= 0 ? close(vfd) : 0);
	if (vdpa && r) fprintf(out, "kmsg negcheck agent: tearing the VDUSE device down failed at %s: %d\n", step, r);
	vfd = -1;
	vdpa = 0;
}

static void features_array(uint64_t req, uint64_t count, const uint64_t *words)
{
	uint64_t *buf = (uint64_t *)env.fa_addr;
	buf[0] = count;
	for (uint64_t i = 0; i < env.fa_words; i++) buf[1 + i] = words[i];
	int r = neg_errno(ioctl(vfd, req, buf));
	fprintf(out, "= %d w=", r);
	for (uint64_t i = 0; i < env.fa_words; i++) fprintf(out, "%s%llx", i ? "," : "", (unsigned long long)buf[1 + i]);
	fputc('\n', out);
}

static void vring_op(unsigned long req, void *arg)
{
	int before = readable();
	int r = neg_errno(ioctl(vfd, req, arg));
	/* a vsock start queues vhost's worker (send_pkt_work), whose vq_meta_prefetch can queue a MISS
	 * of its own: let it run before looking (one CPU: sleeping lets the worker in). The tap stays
	 * down, so a net attach wakes no worker (tun_sock_writeable wants IFF_UP; no packet comes in) */
	usleep(2000);
	int after = readable();
	fprintf(out, "= %d q=%s\n", r, before ? "unknown" : after ? "queued" : "none");
}

/* one op line; 0 when it was understood */
static int run_op(char *line)
{
	char *s = line, *op = next_tok(&s);
	uint64_t x, y;
	int64_t i;
	if (!op) return -1;
	if (strcmp(op, "gf") == 0 || strcmp(op, "gbf") == 0) {
		uint64_t v = 0;
		int r = neg_errno(ioctl(vfd, op[1] == 'f' ? VHOST_GET_FEATURES : VHOST_GET_BACKEND_FEATURES, &v));
		fprintf(out, "= %d v=%llx\n", r, (unsigned long long)(r == 0 ? v : 0));
	} else if (strcmp(op, "sf") == 0 || strcmp(op, "sbf") == 0) {
		if (hex_u64(&s, &x)) return -1;
		fprintf(out, "= %d\n", neg_errno(ioctl(vfd, op[1] == 'f' ? VHOST_SET_FEATURES : VHOST_SET_BACKEND_FEATURES, &x)));
	} else if (strcmp(op, "gfa") == 0) {
		uint64_t words[64];
		if (hex_u64(&s, &x) || hex_u64(&s, &y) || env.fa_words > 64) return -1;
		for (uint64_t k = 0; k < env.fa_words; k++) words[k] = y;
		features_array(VHOST_GET_FEATURES_ARRAY, x, words);
	} else if (strcmp(op, "sfa") == 0) {
		uint64_t words[64] = { 0 };
		if (hex_u64(&s, &x) || env.fa_words > 64) return -1;
		for (uint64_t k = 0; k < env.fa_words; k++)
			if (hex_u64(&s, &words[k])) return -1;
		features_array(VHOST_SET_FEATURES_ARRAY, x, words);
	} else if (strcmp(op, "w") == 0) {
		unsigned char *bytes;
		char *t = next_tok(&s);
		long n = t ? hex_bytes(t, &bytes) : -1;
		if (n < 0) return -1;
		fprintf(out, "= %d\n", neg_errno(write(vfd, bytes, (size_t)n)));
	} else if (strcmp(op, "r") == 0) {
		if (dec_i64(&s, &i) || i < 0 || i > 65536) return -1;
		unsigned char buf[65536];
		long r = neg_errno(read(vfd, buf, (size_t)i));
		fprintf(out, "= %ld b=", r);
		put_hex(buf, r);
		fputc('\n', out);
	} else if (strcmp(op, "vss") == 0) {
		/* a u8 for vhost-vdpa; a net/vsock fd reads the word as a vq index (model/vhost.ts) */
		if (dec_i64(&s, &i)) return -1;
		uint32_t status = (uint32_t)i;
		fprintf(out, "= %d\n", neg_errno(ioctl(vfd, VHOST_VDPA_SET_STATUS, &status)));
	} else if (strcmp(op, "vgs") == 0) {
		uint32_t status = 0;
		int r = neg_errno(ioctl(vfd, VHOST_VDPA_GET_STATUS, &status));
		fprintf(out, "= %d v=%x\n", r, r == 0 ? status & 0xff : 0);
	} else if (strcmp(op, "run") == 0) {
		if (dec_i64(&s, &i)) return -1;
		int start = (int)i;
		vring_op(VHOST_VSOCK_SET_RUNNING, &start);
	} else if (strcmp(op, "nb") == 0) {
		char *which;
		if (dec_i64(&s, &i) || !(which = next_tok(&s))) return -1;
		struct vhost_vring_file f = { .index = (unsigned)i };
		if (strcmp(which, "tap") == 0) f.fd = tap;
		else if (strcmp(which, "none") == 0) f.fd = -1;
		else if (strcmp(which, "notsock") == 0) f.fd = devnull;
		else return -1;
		vring_op(VHOST_NET_SET_BACKEND, &f);
	} else if (strcmp(op, "acc") == 0) {
		/* a device access: only the VDUSE parent's side is the agent's to make (vduse.c) */
		if (!vdpa || hex_u64(&s, &x) || hex_u64(&s, &y) || dec_i64(&s, &i)) return -1;
		vduse_access(out, x, y, (unsigned)i, VQ_IOV_MAX);
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

static int open_tap(void)
{
	int fd = open("/dev/net/tun", O_RDWR);
	if (fd < 0) return -errno;
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	strcpy(ifr.ifr_name, "negcheck%d");
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) return -errno;
	return fd;
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
	devnull = open("/dev/null", O_RDWR);
	tap = open_tap();
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
			if (vfd < 0) continue; /* the set-up failed: the host knows, its ops are not run */
			clock_gettime(CLOCK_MONOTONIC, &op_t0);
			if (run_op(line)) { fprintf(out, "error bad op: %.80s\n", line); fflush(out); }
			trace_ns += ns_since(&op_t0);
			continue;
		}
		cmd = next_tok(&s);
		if (!cmd) continue;
		if (strcmp(cmd, "env") == 0) {
			if (hex_u64(&s, &env.ram_hva) || hex_u64(&s, &env.ram_size) || hex_u64(&s, &env.fa_addr) || hex_u64(&s, &env.fa_words)) {
				fprintf(out, "error bad env\n");
			} else {
				int r = map_env();
				env.have_env = r == 0;
				fprintf(out, r ? "error env mapping %d errno %d\n" : "env ok\n", r, errno);
			}
			fflush(out);
		} else if (strcmp(cmd, "ring") == 0) {
			int64_t vq;
			uint64_t num, d, a, us;
			if (dec_i64(&s, &vq) || vq < 0 || vq >= MAX_VQS || hex_u64(&s, &num) || hex_u64(&s, &d) || hex_u64(&s, &a) || hex_u64(&s, &us)) {
				fprintf(out, "error bad ring\n");
			} else {
				env.ring[vq][0] = num; env.ring[vq][1] = d; env.ring[vq][2] = a; env.ring[vq][3] = us;
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
			if (!dec_i64(&s, &id) && (device = next_tok(&s)) && !dec_i64(&s, &cid) && env.have_env) {
				char path[64];
				snprintf(path, sizeof path, "/dev/%s", device);
				r = trace_begin(id, path, (uint64_t)cid, &step);
			}
			trace_ns = 0;
			in_trace = 1;
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

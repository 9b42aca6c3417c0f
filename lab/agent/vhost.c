/*
 * The harness's vhost device in a real process (vhost.h says what each call is): the address space
 * laid out as types/harness.ts has it, a fresh fd set up as the harness's VMM sets it up, and each
 * op as one syscall whose answer is written as the protocol's answer line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/vhost.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vduse.h"
#include "vhost.h"

struct lab_env lab_env;
int lab_tap = -1, lab_devnull = -1;

static int vfd = -1;
static int on_vdpa; /* this trace runs on vhost-vdpa over a VDUSE device (vduse.c) */

static int neg_errno(long r) { return r < 0 ? -errno : (int)r; }

/* ---- the harness's address space: guest RAM and the features-array buffer --------------------- */

int lab_map_env(void)
{
	/* guest RAM is a shared memfd, as a VMM's is: vhost-vdpa in VA mode (VDUSE) maps only what a
	 * shared file backs (vhost_vdpa_va_map skips any other VMA without an error) */
	int ram_fd = memfd_create("negcheck-ram", 0);
	if (ram_fd < 0 || ftruncate(ram_fd, (off_t)lab_env.ram_size) < 0) return -1;
	void *ram = mmap((void *)lab_env.ram_hva, lab_env.ram_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_NORESERVE | MAP_FIXED_NOREPLACE, ram_fd, 0);
	if (ram == MAP_FAILED || (uint64_t)ram != lab_env.ram_hva) return -1;
	vduse_ram(ram_fd, lab_env.ram_hva);
	/* the buffer ends where a page ends, and the next page stays unmapped: the kernel reading or
	 * clearing past its words faults (types/harness.ts FEATURES_ARRAY_ADDR) */
	uint64_t end = lab_env.fa_addr + 8 * (1 + lab_env.fa_words);
	uint64_t first = lab_env.fa_addr & ~0xfffULL;
	if ((end & 0xfff) || lab_env.fa_words > LAB_FA_WORDS_MAX) return -2;
	void *fa = mmap((void *)first, end - first, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (fa == MAP_FAILED || (uint64_t)fa != first) return -3;
	return 0;
}

int lab_open_backends(void)
{
	lab_devnull = open("/dev/null", O_RDWR);
	int fd = open("/dev/net/tun", O_RDWR);
	if (fd < 0) return -errno;
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	strcpy(ifr.ifr_name, "negcheck%d");
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) { int e = -errno; close(fd); return e; }
	lab_tap = fd;
	return 0;
}

/* ---- a trace ---------------------------------------------------------------------------------- */

int lab_trace_begin(long long id, const char *device, uint64_t cid, const char **step)
{
	on_vdpa = strcmp(device, "/dev/vhost-vdpa") == 0;
	if (on_vdpa) {
		/* the harness's vhost-vdpa VMM: owner, and nothing else (its maps are IOTLB messages) */
		vfd = vduse_begin(id, step);
		if (vfd < 0) return vfd;
		*step = "set_owner";
		return ioctl(vfd, VHOST_SET_OWNER) < 0 ? -errno : 0;
	}
	*step = "open";
	vfd = open(device, O_RDWR | O_NONBLOCK);
	if (vfd < 0) return -errno;
	*step = "set_owner";
	if (ioctl(vfd, VHOST_SET_OWNER) < 0) return -errno;
	struct { struct vhost_memory m; struct vhost_memory_region r[1]; } mem = {
		.m = { .nregions = 1 },
		.r = { { .guest_phys_addr = 0, .memory_size = lab_env.ram_size, .userspace_addr = lab_env.ram_hva } },
	};
	*step = "set_mem_table";
	if (ioctl(vfd, VHOST_SET_MEM_TABLE, &mem) < 0) return -errno;
	for (int vq = 0; vq < LAB_MAX_VQS; vq++) {
		struct vhost_vring_state num = { .index = vq, .num = (unsigned)lab_env.ring[vq][0] };
		*step = "set_vring_num";
		if (ioctl(vfd, VHOST_SET_VRING_NUM, &num) < 0) return -errno;
		struct vhost_vring_addr a = { .index = vq, .desc_user_addr = lab_env.ring[vq][1],
					      .avail_user_addr = lab_env.ring[vq][2], .used_user_addr = lab_env.ring[vq][3] };
		*step = "set_vring_addr";
		if (ioctl(vfd, VHOST_SET_VRING_ADDR, &a) < 0) return -errno;
	}
	if (strcmp(device, "/dev/vhost-vsock") == 0) {
		*step = "set_guest_cid";
		if (ioctl(vfd, VHOST_VSOCK_SET_GUEST_CID, &cid) < 0) return -errno;
	}
	return 0;
}

int lab_trace_close(const char **step)
{
	int r = on_vdpa ? vduse_end(vfd, step) : (vfd >= 0 ? close(vfd) : 0);
	vfd = -1;
	on_vdpa = 0;
	return r;
}

/* ---- the ops ---------------------------------------------------------------------------------- */

static int readable(void)
{
	struct pollfd p = { .fd = vfd, .events = POLLIN };
	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

void op_get_features(FILE *out, unsigned long req)
{
	uint64_t v = 0;
	int r = neg_errno(ioctl(vfd, req, &v));
	fprintf(out, "= %d v=%llx\n", r, (unsigned long long)(r == 0 ? v : 0));
}

void op_set_features(FILE *out, unsigned long req, uint64_t features)
{
	fprintf(out, "= %d\n", neg_errno(ioctl(vfd, req, &features)));
}

void op_features_array(FILE *out, unsigned long req, uint64_t count, const uint64_t *words)
{
	uint64_t *buf = (uint64_t *)lab_env.fa_addr;
	buf[0] = count;
	for (uint64_t i = 0; i < lab_env.fa_words; i++) buf[1 + i] = words[i];
	int r = neg_errno(ioctl(vfd, req, buf));
	fprintf(out, "= %d w=", r);
	for (uint64_t i = 0; i < lab_env.fa_words; i++) fprintf(out, "%s%llx", i ? "," : "", (unsigned long long)buf[1 + i]);
	fputc('\n', out);
}

void op_write(FILE *out, const void *bytes, size_t n)
{
	fprintf(out, "= %d\n", neg_errno(write(vfd, bytes, n)));
}

void op_read(FILE *out, size_t len)
{
	static unsigned char buf[65536];
	long r = len > sizeof buf ? -EINVAL : neg_errno(read(vfd, buf, len));
	fprintf(out, "= %ld b=", r);
	if (r <= 0) fputc('-', out);
	for (long i = 0; i < r; i++) fprintf(out, "%02x", buf[i]);
	fputc('\n', out);
}

/* a u8 for vhost-vdpa; a net/vsock fd reads the word as a vq index (model/vhost.ts) */
void op_vdpa_set_status(FILE *out, uint32_t status)
{
	fprintf(out, "= %d\n", neg_errno(ioctl(vfd, VHOST_VDPA_SET_STATUS, &status)));
}

void op_vdpa_get_status(FILE *out)
{
	uint32_t status = 0;
	int r = neg_errno(ioctl(vfd, VHOST_VDPA_GET_STATUS, &status));
	fprintf(out, "= %d v=%x\n", r, r == 0 ? status & 0xff : 0);
}

static void vring_op(FILE *out, unsigned long req, void *arg)
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

void op_vsock_set_running(FILE *out, int start) { vring_op(out, VHOST_VSOCK_SET_RUNNING, &start); }

void op_net_set_backend(FILE *out, unsigned index, int fd)
{
	struct vhost_vring_file f = { .index = index, .fd = fd };
	vring_op(out, VHOST_NET_SET_BACKEND, &f);
}

void op_access(FILE *out, uint64_t iova, uint64_t len, unsigned access)
{
	/* only the VDUSE parent's side is a process's to make (vduse.c) */
	if (!on_vdpa) { fprintf(out, "error a device access on a device other than vhost-vdpa\n"); return; }
	vduse_access(out, iova, len, access, LAB_VQ_IOV_MAX);
}

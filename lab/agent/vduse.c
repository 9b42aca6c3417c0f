/*
 * The agent's vhost-vdpa over a VDUSE parent (vduse.h says what each call is). One device per
 * trace, as one fresh vhost fd per trace elsewhere: a parent that lived on would carry one trace's
 * maps into the next.
 *
 * The device side is a child process: every set_map, status write and reset makes the kernel wait
 * for the VDUSE daemon's answer (vduse_dev_msg_sync), so the process issuing the vhost-vdpa ioctl
 * cannot be the one answering. It answers every request OK (VDUSE_SET_STATUS, VDUSE_UPDATE_IOTLB,
 * VDUSE_GET_VQ_STATE with a zero state): a device that accepts whatever the driver does.
 *
 * API version 0 on every kernel: one address space (VDUSE_API_VERSION_1, in 7.2, lets a device have
 * more; the model's vhost-vdpa has one, types/harness.ts VDPA_NAS).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vdpa.h>
#include <linux/vduse.h>
#include <linux/virtio_ids.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vduse.h"

#define VQ_NUM 2          /* types/harness.ts VDPA_NVQS */
#define VQ_MAX_SIZE 256
/* struct virtio_net_config up to mtu: mac[6], status, max_virtqueue_pairs, mtu */
#define CONFIG_SIZE 12

static int ram_fd = -1;
static uint64_t ram_hva;
static struct stat ram_st;
static uint64_t device_features;

static int control = -1; /* /dev/vduse/control, opened once */
static int genl = -1;    /* the generic netlink socket, and the vdpa family's id */
static uint16_t vdpa_family;

static char name[VDUSE_NAME_MAX];
static int dev_fd = -1;  /* /dev/vduse/NAME */
static pid_t daemon_pid = -1;
static int added;        /* on the vDPA bus */

void vduse_ram(int fd, uint64_t hva)
{
	ram_fd = fd;
	ram_hva = hva;
	fstat(fd, &ram_st);
}

void vduse_features(uint64_t features) { device_features = features; }

/* ---- the vdpa generic netlink family (what `vdpa dev add/del` sends) -------------------------- */

struct nl_msg {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char attrs[512];
};

static void put_attr(struct nl_msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)m + NLMSG_ALIGN(m->n.nlmsg_len));
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((char *)a + NLA_HDRLEN, data, len);
	m->n.nlmsg_len = NLMSG_ALIGN(m->n.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/* send one request and wait for its answer: the reply's payload into reply (when given), 0 or -errno */
static int genl_call(struct nl_msg *m, char *reply, size_t reply_len)
{
	static uint32_t seq;
	m->n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	m->n.nlmsg_seq = ++seq;
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	if (sendto(genl, m, m->n.nlmsg_len, 0, (struct sockaddr *)&to, sizeof to) < 0) return -errno;
	char buf[8192];
	for (;;) {
		ssize_t n = recv(genl, buf, sizeof buf, 0);
		if (n < 0) return -errno;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != m->n.nlmsg_seq) continue;
			if (h->nlmsg_type == NLMSG_ERROR) return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (reply) memcpy(reply, h, h->nlmsg_len < reply_len ? h->nlmsg_len : reply_len);
		}
	}
}

static int genl_open(void)
{
	if (genl >= 0) return 0;
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s < 0) return -errno;
	genl = s;
	struct nl_msg m = { .n = { .nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN), .nlmsg_type = GENL_ID_CTRL },
			    .g = { .cmd = CTRL_CMD_GETFAMILY, .version = 1 } };
	put_attr(&m, CTRL_ATTR_FAMILY_NAME, VDPA_GENL_NAME, sizeof VDPA_GENL_NAME);
	char reply[4096] = { 0 };
	int r = genl_call(&m, reply, sizeof reply);
	if (r) { close(genl); genl = -1; return r; }
	struct nlmsghdr *h = (struct nlmsghdr *)reply;
	/* genl_call copied at most sizeof reply bytes of it */
	int len = (int)(h->nlmsg_len < sizeof reply ? h->nlmsg_len : sizeof reply) - NLMSG_LENGTH(GENL_HDRLEN);
	for (struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN); len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN;
	     len -= NLA_ALIGN(a->nla_len), a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
		if (a->nla_type == CTRL_ATTR_FAMILY_ID) vdpa_family = *(uint16_t *)((char *)a + NLA_HDRLEN);
	if (!vdpa_family) { close(genl); genl = -1; return -ENOENT; }
	return 0;
}

/* VDPA_CMD_DEV_NEW (mgmtdev "vduse") or VDPA_CMD_DEV_DEL for the device `name` */
static int vdpa_dev(uint8_t cmd)
{
	int r = genl_open();
	if (r) return r;
	struct nl_msg m = { .n = { .nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN), .nlmsg_type = vdpa_family },
			    .g = { .cmd = cmd, .version = VDPA_GENL_VERSION } };
	if (cmd == VDPA_CMD_DEV_NEW) put_attr(&m, VDPA_ATTR_MGMTDEV_DEV_NAME, "vduse", sizeof "vduse");
	put_attr(&m, VDPA_ATTR_DEV_NAME, name, strlen(name) + 1);
	return genl_call(&m, NULL, 0);
}

/* ---- the device side ---------------------------------------------------------------------------- */

static void serve_device(int fd)
{
	/* the daemon ends with its parent (a reproducer killed at its time limit leaves none behind) */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		struct vduse_dev_request req;
		if (read(fd, &req, sizeof req) != sizeof req) {
			if (errno == EINTR) continue;
			_exit(0);
		}
		struct vduse_dev_response resp = { .request_id = req.request_id, .result = VDUSE_REQ_RESULT_OK };
		if (write(fd, &resp, sizeof resp) != sizeof resp) _exit(0);
	}
}

/* ---- a trace's device ----------------------------------------------------------------------------- */

/* /dev/vhost-vdpa-N of the vDPA device `name` (vhost_vdpa_probe names it after the device's minor) */
static int vhost_vdpa_node(char *path, size_t len)
{
	char dir[VDUSE_NAME_MAX + 32];
	snprintf(dir, sizeof dir, "/sys/bus/vdpa/devices/%s", name);
	for (int wait = 0; wait < 100; wait++) {
		DIR *d = opendir(dir);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			if (strncmp(e->d_name, "vhost-vdpa-", 11) == 0) {
				snprintf(path, len, "/dev/%s", e->d_name);
				closedir(d);
				return 0;
			}
		}
		if (d) closedir(d);
		usleep(10000);
	}
	return -ENOENT;
}

static int open_retrying(const char *path, int flags)
{
	int fd = -1;
	for (int wait = 0; wait < 100 && (fd = open(path, flags)) < 0 && errno == ENOENT; wait++) usleep(10000);
	return fd < 0 ? -errno : fd;
}

int vduse_begin(long long id, const char **step)
{
	*step = "vduse_control";
	if (control < 0) {
		control = open("/dev/vduse/control", O_RDWR | O_CLOEXEC);
		if (control < 0) return -errno;
		uint64_t api = 0;
		if (ioctl(control, VDUSE_SET_API_VERSION, &api) < 0) { int e = -errno; close(control); control = -1; return e; }
	}
	snprintf(name, sizeof name, "negcheck%lld", id);
	struct { struct vduse_dev_config c; uint8_t config[CONFIG_SIZE]; } cfg = {
		.c = { .device_id = VIRTIO_ID_NET, .features = device_features, .vq_num = VQ_NUM, .vq_align = 4096, .config_size = CONFIG_SIZE },
		.config = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, /* the mac VIRTIO_NET_F_MAC promises */
	};
	memcpy(cfg.c.name, name, strlen(name) + 1);
	*step = "vduse_create_dev";
	if (ioctl(control, VDUSE_CREATE_DEV, &cfg) < 0) return -errno;
	*step = "vduse_open_dev";
	char path[VDUSE_NAME_MAX + 16];
	snprintf(path, sizeof path, "/dev/vduse/%s", name);
	dev_fd = open_retrying(path, O_RDWR | O_CLOEXEC);
	if (dev_fd < 0) return dev_fd;
	for (unsigned vq = 0; vq < VQ_NUM; vq++) {
		struct vduse_vq_config q = { .index = vq, .max_size = VQ_MAX_SIZE };
		*step = "vduse_vq_setup";
		if (ioctl(dev_fd, VDUSE_VQ_SETUP, &q) < 0) return -errno;
	}
	*step = "vduse_daemon";
	fflush(NULL); /* the child must not write out what the parent has buffered */
	daemon_pid = fork();
	if (daemon_pid < 0) return -errno;
	if (daemon_pid == 0) serve_device(dev_fd);
	*step = "vdpa_dev_add";
	int r = vdpa_dev(VDPA_CMD_DEV_NEW);
	if (r) return r;
	added = 1;
	*step = "vhost_vdpa_node";
	if ((r = vhost_vdpa_node(path, sizeof path))) return r;
	*step = "open";
	return open_retrying(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
}

int vduse_end(int vhost_fd, const char **step)
{
	int r = 0;
	if (vhost_fd >= 0) close(vhost_fd); /* release resets the device: the daemon still answers */
	if (added && (r = vdpa_dev(VDPA_CMD_DEV_DEL))) *step = "vdpa_dev_del";
	added = 0;
	if (daemon_pid > 0) {
		kill(daemon_pid, SIGKILL);
		waitpid(daemon_pid, NULL, 0);
	}
	daemon_pid = -1;
	if (dev_fd >= 0) close(dev_fd);
	dev_fd = -1;
	if (control >= 0 && name[0] && ioctl(control, VDUSE_DESTROY_DEV, name) < 0 && !r) {
		r = -errno;
		*step = "vduse_destroy_dev";
	}
	name[0] = '\0';
	return r;
}

/* ---- a device access ------------------------------------------------------------------------------- */

void vduse_access(FILE *out, uint64_t iova, uint64_t len, unsigned access, unsigned iov_max)
{
	/* model/translate.ts translateDesc, the lookup being the parent's: u64 arithmetic throughout,
	 * wrapping where translate_desc's does */
	uint64_t seg_addr[64], seg_len[64];
	unsigned n = 0;
	uint64_t total = len, last = iova + len - 1, s = 0, addr = iova;
	while (total > s) {
		if (n >= iov_max || n >= 64) { fprintf(out, "= %d\n", -ENOBUFS); return; }
		struct vduse_iotlb_entry e = { .start = addr, .last = last };
		int fd = ioctl(dev_fd, VDUSE_IOTLB_GET_FD, &e);
		if (fd < 0 && errno != EINVAL) { fprintf(out, "= %d\n", -errno); return; }
		if (fd < 0 || e.start > addr) { /* no map at addr: a hole */
			if (fd >= 0) close(fd);
			fprintf(out, "= %d\n", -EFAULT);
			return;
		}
		struct stat st;
		int ram = fstat(fd, &st) == 0 && st.st_dev == ram_st.st_dev && st.st_ino == ram_st.st_ino;
		close(fd);
		if ((e.perm & access) == 0) { fprintf(out, "= %d\n", -EPERM); return; }
		if (!ram) { fprintf(out, "error a parent's map at 0x%llx is not guest RAM\n", (unsigned long long)addr); return; }
		uint64_t size = e.last - e.start + 1 - addr + e.start;
		seg_addr[n] = ram_hva + e.offset + (addr - e.start);
		seg_len[n] = total - s < size ? total - s : size;
		n++;
		s += size;
		addr += size;
	}
	fprintf(out, "= 0 s=");
	if (n == 0) fputc('-', out);
	for (unsigned i = 0; i < n; i++)
		fprintf(out, "%s%llx:%llx", i ? "," : "", (unsigned long long)seg_addr[i], (unsigned long long)seg_len[i]);
	fputc('\n', out);
}

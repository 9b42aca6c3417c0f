/*
 * negcheck's guest agent (lab/): runs inside a lab kernel booted under QEMU, started by /init once
 * the vhost modules are loaded. This first version is the lab's smoke test: it says which kernel it
 * runs on and which devices answer, asks each vhost device for its features the way a VMM does
 * (VHOST_SET_OWNER, VHOST_GET_FEATURES), and powers the guest off. Every line it writes for the host
 * starts with "NEGCHECK " so the host can tell it from the kernel's own console output.
 *
 * Built static with gcc at lab set-up (lab/setup.ts): the initramfs has no libc.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/reboot.h>
#include <linux/vhost.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/utsname.h>
#include <unistd.h>

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

int main(void)
{
	struct utsname u;
	setvbuf(stdout, NULL, _IONBF, 0);
	uname(&u);
	printf("NEGCHECK ready release=%s machine=%s\n", u.release, u.machine);
	say_device("/dev/vhost-net", 1);
	say_device("/dev/vhost-vsock", 1);
	say_device("/dev/vduse/control", 0);
	printf("NEGCHECK done\n");
	sync();
	reboot(LINUX_REBOOT_CMD_POWER_OFF);
	return 0;
}

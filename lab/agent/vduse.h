/*
 * The agent's vhost-vdpa: a VDUSE device per trace (vduse.c). The agent creates it on
 * /dev/vduse/control, adds it to the vDPA bus with the vdpa netlink (vhost_vdpa binds it: it is the
 * only vDPA bus driver the guest loads), answers its device side from a child process, and opens
 * the /dev/vhost-vdpa-N the kernel made for it.
 */
#ifndef NEGCHECK_VDUSE_H
#define NEGCHECK_VDUSE_H

#include <stdint.h>
#include <stdio.h>

/* guest RAM's memfd and where it is mapped: a parent's map points into it (vduse_translate) */
void vduse_ram(int fd, uint64_t hva);
/* the device features the VDUSE parent offers (the host's "vdpa" line) */
void vduse_features(uint64_t features);

/* create, bind and open trace ID's device; the vhost-vdpa fd, or -errno with *step naming the step */
int vduse_begin(long long id, const char **step);
/* close it (the vhost-vdpa fd first, while the device side still answers), delete and destroy it:
 * 0, or the -errno of the step (*step) that failed */
int vduse_end(int vhost_fd, const char **step);

/*
 * A device access of LEN bytes at IOVA as the parent translates it (translate_desc's walk over the
 * parent's IOTLB, each lookup a VDUSE_IOTLB_GET_FD): writes "= 0 s=UADDR:LEN,..." or "= -ERRNO".
 */
void vduse_access(FILE *out, uint64_t iova, uint64_t len, unsigned access, unsigned iov_max);

#endif

/*
 * One vhost device as the harness's VMM sets it up, and the ops negcheck runs on it (vhost.c). The
 * agent (agent.c) calls these for the protocol's lines; a C reproducer (repro.c, emitted by
 * `negcheck repro --c`) calls them from its own main. Every op writes its answer as the protocol's
 * answer line (lab/protocol.ts parseAnswer): `= RET [v=HEX] [b=HEX] [w=HEX,...] [q=...] [s=...]`.
 */
#ifndef NEGCHECK_VHOST_H
#define NEGCHECK_VHOST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/vhost.h>

#define LAB_MAX_VQS 2
#define LAB_FA_WORDS_MAX 64
#define LAB_VQ_IOV_MAX 16 /* types/harness.ts VQ_IOV_MAX */

/* the harness's addresses (types/harness.ts): guest RAM, the features-array buffer, each vq's ring */
struct lab_env {
	uint64_t ram_hva, ram_size, fa_addr, fa_words;
	uint64_t ring[LAB_MAX_VQS][4]; /* num, desc, avail, used */
};
extern struct lab_env lab_env;

/* map guest RAM (a shared memfd) and the features-array page where lab_env says: 0, or -1/-2/-3 (errno set) */
int lab_map_env(void);
/* the fds a NET_SET_BACKEND can be given: the one tap (down), and /dev/null (not a socket) */
extern int lab_tap, lab_devnull;
int lab_open_backends(void);

/* open DEVICE (/dev/vhost-net, /dev/vhost-vsock, /dev/vhost-vdpa) fresh and set it up: 0, or -errno with *step naming the step */
int lab_trace_begin(long long id, const char *device, uint64_t cid, const char **step);
/* close it (vhost-vdpa: tear the VDUSE device down): 0, or -errno with *step naming the step that failed */
int lab_trace_close(const char **step);

/* ---- the ops ---- */
void op_get_features(FILE *out, unsigned long req);               /* VHOST_GET_FEATURES, VHOST_GET_BACKEND_FEATURES */
void op_set_features(FILE *out, unsigned long req, uint64_t features); /* VHOST_SET_FEATURES, VHOST_SET_BACKEND_FEATURES */
void op_features_array(FILE *out, unsigned long req, uint64_t count, const uint64_t *words); /* VHOST_{GET,SET}_FEATURES_ARRAY */
void op_write(FILE *out, const void *bytes, size_t n);             /* write(): an IOTLB message */
void op_read(FILE *out, size_t len);                               /* read(), non-blocking */
void op_vdpa_set_status(FILE *out, uint32_t status);
void op_vdpa_get_status(FILE *out);
void op_vsock_set_running(FILE *out, int start);
void op_net_set_backend(FILE *out, unsigned index, int fd);
void op_access(FILE *out, uint64_t iova, uint64_t len, unsigned access); /* vhost-vdpa: the VDUSE parent's device access */

/* 333c515d1896 (v6.17): struct vhost_features_array { __u64 count; __u64 features[]; } */
#ifndef VHOST_GET_FEATURES_ARRAY
#define VHOST_GET_FEATURES_ARRAY _IOR(VHOST_VIRTIO, 0x83, uint64_t)
#define VHOST_SET_FEATURES_ARRAY _IOW(VHOST_VIRTIO, 0x83, uint64_t)
#endif

#endif

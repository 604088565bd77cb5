/*
 * LD_PRELOAD shim for the swarm benchmark (bench/swarm/swarm.py --cc): every TCP socket a process creates gets
 * the congestion control named in SWARM_TCP_CC (setsockopt TCP_CONGESTION), so that every program in a run, hivebt,
 * libtorrent, nginx and curl alike, uses the same algorithm whatever the kernel's default is. A listening socket
 * passes its algorithm to the connections it accepts. Built by swarm.py with gcc into the run's work folder.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int socket(int domain, int type, int protocol) {
    static int (*real_socket)(int, int, int);
    if (!real_socket) {
        real_socket = (int (*)(int, int, int)) dlsym(RTLD_NEXT, "socket");
    }
    int fd = real_socket(domain, type, protocol);
    const char *cc = getenv("SWARM_TCP_CC");
    if (fd >= 0 && cc && *cc && (domain == AF_INET || domain == AF_INET6) && (type & 0xf) == SOCK_STREAM
            && (protocol == 0 || protocol == IPPROTO_TCP)) {
        setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc, (socklen_t) strlen(cc));
    }
    return fd;
}

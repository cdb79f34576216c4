#include <libpq-fe.h>
/* Swift's Glibc module leaves out epoll, which drives libpq's non-blocking sockets (SocketReadiness). */
#include <sys/epoll.h>

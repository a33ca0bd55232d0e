/*
 * bindprobe: binds every port named on its command line, reports each result
 * on its own line, then sleeps so that the harness can read the container's
 * /proc/<pid>/net/{tcp,udp}{,6} and see the sockets the kernel really holds.
 *
 *   bindprobe tcp:80 udp:53 tcp:8080
 *
 * prints, line-buffered, to stdout:
 *
 *   bindprobe uid=1000 gid=1000 CapPrm=... CapEff=... CapBnd=... CapAmb=... NoNewPrivs=1 ip_unprivileged_port_start=1024
 *   tcp 80 listening
 *   udp 53 EACCES
 *   bindprobe ready
 *
 * Why our own binary: Debian's busybox cannot listen on UDP, and one process
 * that holds every port at once costs one container per securityContext
 * instead of one per port. The first line is evidence, not logic: it shows
 * which capabilities the kernel left the process after execve
 * (capabilities(7), "Transformation of capabilities during execve()").
 *
 * Built with `gcc -static` so that the image needs no libc.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The errno names the harness classifies; anything else is printed as errno=N. */
static const char *errno_name(int err) {
  switch (err) {
  case EACCES: return "EACCES";
  case EPERM: return "EPERM";
  case EADDRINUSE: return "EADDRINUSE";
  case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
  default: return NULL;
  }
}

/* Copies the value of "Key:\t..." from /proc/self/status into out, "?" if absent. */
static void status_field(const char *key, char *out, size_t size) {
  char line[256];
  size_t key_len = strlen(key);
  FILE *status = fopen("/proc/self/status", "r");
  snprintf(out, size, "?");
  if (status == NULL) return;
  while (fgets(line, sizeof line, status) != NULL) {
    if (strncmp(line, key, key_len) == 0 && line[key_len] == ':') {
      char *value = line + key_len + 1;
      value += strspn(value, " \t");
      value[strcspn(value, "\n")] = '\0';
      snprintf(out, size, "%s", value);
      break;
    }
  }
  fclose(status);
}

static void print_identity(void) {
  static const char *const keys[] = {"CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs"};
  char value[64];
  char start[32] = "?";
  FILE *sysctl = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "r");
  if (sysctl != NULL) {
    if (fgets(start, sizeof start, sysctl) != NULL) start[strcspn(start, "\n")] = '\0';
    fclose(sysctl);
  }
  printf("bindprobe uid=%u gid=%u", (unsigned)getuid(), (unsigned)getgid());
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    status_field(keys[i], value, sizeof value);
    printf(" %s=%s", keys[i], value);
  }
  printf(" ip_unprivileged_port_start=%s\n", start);
}

/* Binds 0.0.0.0:port; returns 0 or the errno of the failing call. The socket stays open. */
static int bind_port(int type, int port) {
  struct sockaddr_in address;
  int fd = socket(AF_INET, type, 0);
  if (fd < 0) return errno;
  memset(&address, 0, sizeof address);
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  address.sin_port = htons((unsigned short)port);
  if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0) return errno;
  if (type == SOCK_STREAM && listen(fd, 16) != 0) return errno;
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  print_identity();
  for (int i = 1; i < argc; i++) {
    char protocol[8];
    int port;
    if (sscanf(argv[i], "%7[a-z]:%d", protocol, &port) != 2 || port < 1 || port > 65535 ||
        (strcmp(protocol, "tcp") != 0 && strcmp(protocol, "udp") != 0)) {
      printf("bindprobe usage: bad argument %s (want tcp:PORT or udp:PORT)\n", argv[i]);
      return 2;
    }
    int err = bind_port(strcmp(protocol, "tcp") == 0 ? SOCK_STREAM : SOCK_DGRAM, port);
    const char *name = errno_name(err);
    if (err == 0)
      printf("%s %d listening\n", protocol, port);
    else if (name != NULL)
      printf("%s %d %s\n", protocol, port, name);
    else
      printf("%s %d errno=%d\n", protocol, port, err);
  }
  printf("bindprobe ready\n");
  for (;;) pause();
}

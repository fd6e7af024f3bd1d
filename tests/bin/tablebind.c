/* tablebind.c - a thread with a descriptor table of its own binds
 * (issue 12, 7): the library must name its descriptors through
 * /proc/thread-self, never /proc/self (the thread-group leader's table).
 *
 *   tablebind PATH VICTIM
 *
 * A second thread calls unshare(CLONE_FILES); the main thread then opens
 * VICTIM sixteen times, so that the numbers the bind's descriptors get in
 * the thread's table all name VICTIM in the leader's; then the thread
 * binds a stream socket to PATH. Prints "rc=0" or "rc=-1 errno=N".
 * Exit 0 when it could run the scenario, 2 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static sem_t unshared, opened;
static const char *path;
static int rc, err;

static void *binder(void *arg)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s;

	(void)arg;
	if (unshare(CLONE_FILES) < 0) {
		perror("unshare");
		rc = -2;
		sem_post(&unshared);
		return NULL;
	}
	sem_post(&unshared);
	sem_wait(&opened);
	snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	rc = bind(s, (struct sockaddr *)&a, sizeof a);
	err = rc < 0 ? errno : 0;
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;
	int i;

	if (argc != 3) {
		fputs("usage: tablebind PATH VICTIM\n", stderr);
		return 2;
	}
	path = argv[1];
	sem_init(&unshared, 0, 0);
	sem_init(&opened, 0, 0);
	if (pthread_create(&t, NULL, binder, NULL) != 0)
		return 2;
	sem_wait(&unshared);
	for (i = 0; i < 16; i++)
		if (open(argv[2], O_RDONLY | O_CLOEXEC) < 0) {
			perror(argv[2]);
			return 2;
		}
	sem_post(&opened);
	pthread_join(t, NULL);
	if (rc == -2)
		return 2;
	if (rc == 0)
		printf("rc=0\n");
	else
		printf("rc=%d errno=%d\n", rc, err);
	return 0;
}

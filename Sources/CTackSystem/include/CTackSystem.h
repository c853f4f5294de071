#ifndef CTACKSYSTEM_H
#define CTACKSYSTEM_H

#include <spawn.h>
#include <sys/types.h>

/// Spawns `path` as the leader of a new session (so that the whole process tree can be signalled through
/// its process group), with stdin from /dev/null, stdout and stderr to `output_fd`, in `directory`, with
/// default signal dispositions and an empty signal mask. Returns 0 or an errno value.
int tack_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[], const char *directory, int output_fd);

#endif

/* Times what the cost model in Docs/DISTRIBUTED.md predicts, on the ranks mpirun starts:
 *   latency    one 4-byte MPI_Allreduce (the per-bucket cost)
 *   bandwidth  rank pairs exchanging one rank's share of a bucket with MPI_Sendrecv (bytes / time)
 *   allreduce  an in-place float sum of BYTES, in buckets of BUCKET bytes (the whole at once if 0)
 * and prints one JSON object per line from rank 0, each with the model's prediction
 * 2(N-1)/N * bytes / bandwidth + latency * buckets beside the measured time.
 *
 *   mpicc -O2 -o allreduce-bench Scripts/allreduce-bench.c
 *   mpirun -np 2 ./allreduce-bench BYTES[:BUCKET] ...      (see Scripts/bench-scaling.sh)
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double best_of(int repeats, double (*timed)(void *), void *arg) {
    double best = 1e30;
    for (int r = 0; r < repeats; r++) {
        MPI_Barrier(MPI_COMM_WORLD);
        double t = timed(arg);
        /* The slowest rank decides when the collective is done. */
        MPI_Allreduce(MPI_IN_PLACE, &t, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
        if (t < best) best = t;
    }
    return best;
}

struct reduce_job { float *buf; long count; long bucket; };

static double time_allreduce(void *p) {
    struct reduce_job *j = p;
    double t0 = MPI_Wtime();
    for (long off = 0; off < j->count; off += j->bucket) {
        long n = j->count - off < j->bucket ? j->count - off : j->bucket;
        MPI_Allreduce(MPI_IN_PLACE, j->buf + off, (int)n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    }
    return MPI_Wtime() - t0;
}

struct exchange_job { char *send, *recv; long bytes; int rank, size; };

static double time_exchange(void *p) {
    struct exchange_job *j = p;
    int peer = j->rank ^ 1;
    double t0 = MPI_Wtime();
    if (peer < j->size)
        MPI_Sendrecv(j->send, (int)j->bytes, MPI_BYTE, peer, 0, j->recv, (int)j->bytes, MPI_BYTE, peer, 0,
                     MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    return MPI_Wtime() - t0;
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc < 2) {
        if (rank == 0) fprintf(stderr, "usage: mpirun -np N allreduce-bench BYTES[:BUCKET_BYTES] ...\n");
        MPI_Finalize();
        return 2;
    }
    int repeats = getenv("REPEATS") ? atoi(getenv("REPEATS")) : 5;

    float one = 1;
    struct reduce_job tiny = { &one, 1, 1 };
    double latency = best_of(50, time_allreduce, &tiny);

    if (rank == 0) printf("{\"ranks\": %d, \"latency_s\": %.3e}\n", size, latency);

    for (int i = 1; i < argc; i++) {
        long bytes = atol(argv[i]);
        char *colon = strchr(argv[i], ':');
        long bucket = colon ? atol(colon + 1) : 0;
        long count = bytes / 4;
        long bucketCount = bucket > 0 ? bucket / 4 : count;
        if (count < 1 || bucketCount < 1 || bucketCount > 0x7fffffffL) {
            if (rank == 0) fprintf(stderr, "allreduce-bench: bad size '%s'\n", argv[i]);
            MPI_Abort(MPI_COMM_WORLD, 2);
        }
        float *buf = malloc(count * sizeof(float));
        for (long k = 0; k < count; k++) buf[k] = 1;
        struct reduce_job j = { buf, count, bucketCount };
        double t = best_of(repeats, time_allreduce, &j);
        /* The bandwidth the model needs is the one a ring step sees: a pair of ranks exchanging
           one rank's share of a bucket (the exchange runs on every pair at once, as a ring step does). */
        long xbytes = bucketCount * 4 / size > 0 ? bucketCount * 4 / size : 4;
        struct exchange_job x = { malloc(xbytes), malloc(xbytes), xbytes, rank, size };
        memset(x.send, 1, xbytes);
        memset(x.recv, 0, xbytes);
        double bandwidth = xbytes / best_of(repeats, time_exchange, &x);
        free(x.send);
        free(x.recv);
        long buckets = (count + bucketCount - 1) / bucketCount;
        double model = 2.0 * (size - 1) / size * (double)count * 4 / bandwidth + latency * buckets;
        if (rank == 0)
            printf("{\"bytes\": %ld, \"bucket_bytes\": %ld, \"buckets\": %ld, \"bandwidth_bytes_per_s\": %.4e, "
                   "\"measured_s\": %.4e, \"model_s\": %.4e}\n",
                   count * 4, bucketCount * 4, buckets, bandwidth, t, model);
        fflush(stdout);
        free(buf);
    }
    MPI_Finalize();
    return 0;
}

# mtstc in a container: a release build on the official Swift 6 image (Debian 12), then a slim
# Debian 12 image with the binary (Swift runtime linked in statically), the shared libraries it
# loads, Open MPI's mpirun, and the example specs. Assets and runs are volumes; see README.md.
#
#   docker build -t mtstc .
#   docker run --rm -v "$PWD/Assets:/mtstc/Assets:ro" -v "$PWD/runs:/mtstc/runs" mtstc compile Graphs/multitask.yaml -o runs/out.plan
#   docker run --rm --shm-size=1g -v "$PWD/Assets:/mtstc/Assets:ro" -v "$PWD/runs:/mtstc/runs" \
#       --entrypoint mpirun mtstc -np 2 mtstc bench --graph runs/out.plan --train

ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
# Unpinned on purpose: Debian 12's point releases replace these versions (security fixes), so a
# pinned list stops building; the image tag pins the distribution. The -dev packages Package.swift's system-library targets find through pkg-config.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libopenblas-dev libyaml-dev libopenmpi-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The manifest names the test targets too, so their folders come along (nothing in them is built).
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product mtstc --static-swift-stdlib \
    && install -D "$(swift build -c release --show-bin-path)/mtstc" /out/mtstc

FROM ${RUNTIME_IMAGE}
# Runtime libraries of the -dev packages above, and mpirun (openmpi-bin) for data-parallel runs.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libopenblas0 libyaml-0-2 openmpi-bin libopenmpi3 libstdc++6 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 mtstc \
    && mkdir -p /mtstc/Assets /mtstc/runs \
    && chown mtstc:mtstc /mtstc/runs
COPY --from=build /out/mtstc /usr/local/bin/mtstc
COPY Graphs /mtstc/Graphs
# Open MPI's shared-memory transport copies through the kernel (CMA), which a container's
# default seccomp profile forbids; copy-in/copy-out works everywhere and costs little here.
ENV OMPI_MCA_btl_vader_single_copy_mechanism=none
WORKDIR /mtstc
USER 1000:1000
VOLUME ["/mtstc/Assets", "/mtstc/runs"]
ENTRYPOINT ["mtstc"]
CMD ["--help"]

FROM alpine:3.20
RUN echo one
RUN echo two
RUN --mount=type=cache,target=/root/.cache echo three
RUN echo four
WORKDIR /app
RUN echo five

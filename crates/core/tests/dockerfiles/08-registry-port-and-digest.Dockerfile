FROM registry.example.com:5000/team/app
FROM registry.example.com:5000/team/app:1.2.3
FROM nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000
FROM registry.example.com/base:latest
USER 0:0

FROM node:20-alpine AS build
USER root
RUN npm ci
FROM node:20-alpine
USER root
USER node
CMD ["node", "index.js"]

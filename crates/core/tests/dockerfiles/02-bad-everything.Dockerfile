FROM ubuntu
RUN apt-get update && apt-get install -y curl python3
RUN cd /opt && sudo make install
WORKDIR app
ADD app.py /app/app.py
RUN curl -sSL https://example.com/install.sh | sh
CMD python3 app.py
USER root

FROM python:3.11-alpine
RUN pip install flask
RUN pip3 install --no-cache-dir requests==2.32.3 gunicorn
RUN python -m pip install --no-cache-dir "fastapi>=0.110"
RUN pip install --no-cache-dir -r requirements.txt .

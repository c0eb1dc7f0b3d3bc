#!/usr/bin/env bash
# The peer of `slipway apply` in scripts/bench: the lab's steps done with the AWS CLI, one
# command after another, the way the AWS labs (and a learner's script) do it.
#   bench/aws-cli-lab.sh up NAME IMAGE    default VPC and subnets, two security groups, target
#                                         group, ALB, listener, execution role, log group,
#                                         cluster, task definition, service
#   bench/aws-cli-lab.sh down NAME        deletes all of it again and checks nothing is left
# Every `aws` invocation is counted; the last line on stdout is `aws_calls=N changing=M` (M: the
# calls that create, change or delete something; the others only read).
# AWS_ENDPOINT_URL (default http://127.0.0.1:4566, the practice stack's moto) and the `aws`
# found on PATH are used; credentials are moto's fake ones.
set -euo pipefail

ENDPOINT="${AWS_ENDPOINT_URL:-http://127.0.0.1:4566}"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
export AWS_DEFAULT_REGION=us-east-1 AWS_PAGER="" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
EXEC_POLICY="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
PORT=8080

# Counted in a file: `x=$(aws ...)` runs the function in a subshell, where a variable would
# not survive.
COUNTER="$(mktemp)"
trap 'rm -f "$COUNTER"' EXIT
aws() {
  echo "$1 $2" >>"$COUNTER"
  command aws --endpoint-url "$ENDPOINT" --output text "$@"
}
CHANGING=' (create|put|register|attach|authorize|modify|delete|deregister|detach|revoke|tag|untag|update|set|add|remove)'
finish() { echo "aws_calls=$(wc -l <"$COUNTER") changing=$(grep -cE "$CHANGING" "$COUNTER" || true)"; }

up() {
  local name="$1" image="$2" work
  work="$(mktemp -d)"
  # shellcheck disable=SC2064 # expand now: $work is local
  trap "rm -rf '$work' '$COUNTER'" EXIT

  # 1. the network: the default VPC and its subnets
  local vpc subnets
  vpc=$(aws ec2 describe-vpcs --filters Name=isDefault,Values=true --query 'Vpcs[0].VpcId')
  subnets=$(aws ec2 describe-subnets --filters "Name=vpc-id,Values=$vpc" --query 'Subnets[*].SubnetId')

  # 2. security groups: the internet to the ALB on 80, the ALB to the tasks on the app port
  local alb_sg task_sg
  alb_sg=$(aws ec2 create-security-group --group-name "$name-alb" \
    --description "$name load balancer" --vpc-id "$vpc" --query GroupId)
  aws ec2 authorize-security-group-ingress --group-id "$alb_sg" \
    --protocol tcp --port 80 --cidr 0.0.0.0/0 >/dev/null
  task_sg=$(aws ec2 create-security-group --group-name "$name-tasks" \
    --description "$name tasks" --vpc-id "$vpc" --query GroupId)
  aws ec2 authorize-security-group-ingress --group-id "$task_sg" \
    --protocol tcp --port "$PORT" --source-group "$alb_sg" >/dev/null

  # 3. the load balancer: target group (ip targets for awsvpc), ALB, listener
  local tg alb
  tg=$(aws elbv2 create-target-group --name "$name-tg" --protocol HTTP --port "$PORT" \
    --vpc-id "$vpc" --target-type ip --health-check-path /health \
    --query 'TargetGroups[0].TargetGroupArn')
  # shellcheck disable=SC2086 # one argument per subnet
  alb=$(aws elbv2 create-load-balancer --name "$name" --type application \
    --scheme internet-facing --subnets $subnets --security-groups "$alb_sg" \
    --query 'LoadBalancers[0].LoadBalancerArn')
  aws elbv2 create-listener --load-balancer-arn "$alb" --protocol HTTP --port 80 \
    --default-actions "Type=forward,TargetGroupArn=$tg" >/dev/null

  # 4. the task execution role, with the managed policy
  cat >"$work/trust.json" <<'JSON'
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
JSON
  local role
  role=$(aws iam create-role --role-name "$name-exec" \
    --assume-role-policy-document "file://$work/trust.json" --query Role.Arn)
  aws iam attach-role-policy --role-name "$name-exec" --policy-arn "$EXEC_POLICY"

  # 5. logs, cluster, task definition, service
  aws logs create-log-group --log-group-name "/ecs/$name"
  aws logs put-retention-policy --log-group-name "/ecs/$name" --retention-in-days 7
  aws ecs create-cluster --cluster-name "$name" >/dev/null
  cat >"$work/taskdef.json" <<JSON
{"family": "$name", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
 "cpu": "256", "memory": "512", "executionRoleArn": "$role",
 "containerDefinitions": [{"name": "$name", "image": "$image", "essential": true,
   "portMappings": [{"containerPort": $PORT, "protocol": "tcp"}],
   "logConfiguration": {"logDriver": "awslogs", "options": {
     "awslogs-group": "/ecs/$name", "awslogs-region": "us-east-1",
     "awslogs-stream-prefix": "ecs"}}}]}
JSON
  aws ecs register-task-definition --cli-input-json "file://$work/taskdef.json" >/dev/null
  local subnet_list
  subnet_list=$(tr '\t' ',' <<<"$subnets")
  aws ecs create-service --cluster "$name" --service-name "$name" --task-definition "$name" \
    --desired-count 1 --launch-type FARGATE \
    --network-configuration "awsvpcConfiguration={subnets=[$subnet_list],securityGroups=[$task_sg],assignPublicIp=ENABLED}" \
    --load-balancers "targetGroupArn=$tg,containerName=$name,containerPort=$PORT" >/dev/null
  finish
}

down() {
  # Each step is tried even when an earlier one failed or its resource never existed (an `up`
  # that stopped halfway); the check at the end decides.
  local name="$1" alb tg listener sg id revision
  try() { "$@" >/dev/null 2>&1 || true; }
  try aws ecs delete-service --cluster "$name" --service "$name" --force
  for revision in $(aws ecs list-task-definitions --family-prefix "$name" --query 'taskDefinitionArns[]' || true); do
    try aws ecs deregister-task-definition --task-definition "$revision"
  done
  try aws ecs delete-cluster --cluster "$name"
  alb=$(aws elbv2 describe-load-balancers --names "$name" --query 'LoadBalancers[0].LoadBalancerArn' 2>/dev/null || true)
  if [ -n "$alb" ] && [ "$alb" != None ]; then
    for listener in $(aws elbv2 describe-listeners --load-balancer-arn "$alb" --query 'Listeners[].ListenerArn' || true); do
      try aws elbv2 delete-listener --listener-arn "$listener"
    done
    try aws elbv2 delete-load-balancer --load-balancer-arn "$alb"
  fi
  tg=$(aws elbv2 describe-target-groups --names "$name-tg" --query 'TargetGroups[0].TargetGroupArn' 2>/dev/null || true)
  [ -z "$tg" ] || [ "$tg" = None ] || try aws elbv2 delete-target-group --target-group-arn "$tg"
  for sg in "$name-tasks" "$name-alb"; do
    id=$(aws ec2 describe-security-groups --filters "Name=group-name,Values=$sg" --query 'SecurityGroups[0].GroupId' || true)
    [ -z "$id" ] || [ "$id" = None ] || try aws ec2 delete-security-group --group-id "$id"
  done
  try aws iam detach-role-policy --role-name "$name-exec" --policy-arn "$EXEC_POLICY"
  try aws iam delete-role --role-name "$name-exec"
  try aws logs delete-log-group --log-group-name "/ecs/$name"

  # Nothing of NAME is left: each lookup must come back empty.
  local left=()
  [ -z "$(aws ec2 describe-security-groups --filters "Name=group-name,Values=$name-alb,$name-tasks" --query 'SecurityGroups[].GroupId')" ] || left+=("security groups")
  [ -z "$(aws elbv2 describe-load-balancers --query "LoadBalancers[?LoadBalancerName=='$name'].LoadBalancerArn")" ] || left+=("load balancer")
  [ -z "$(aws elbv2 describe-target-groups --query "TargetGroups[?TargetGroupName=='$name-tg'].TargetGroupArn")" ] || left+=("target group")
  [ -z "$(aws iam list-roles --query "Roles[?RoleName=='$name-exec'].RoleName")" ] || left+=("role")
  [ -z "$(aws logs describe-log-groups --log-group-name-prefix "/ecs/$name" --query "logGroups[?logGroupName=='/ecs/$name'].logGroupName")" ] || left+=("log group")
  [ -z "$(aws ecs describe-clusters --clusters "$name" --query "clusters[?status=='ACTIVE'].clusterName")" ] || left+=("cluster")
  if [ ${#left[@]} -gt 0 ]; then
    echo "aws-cli-lab.sh: still there after cleanup: ${left[*]}" >&2
    exit 1
  fi
  finish
}

case "${1:-}" in
  up) [ $# = 3 ] || { echo "usage: $0 up NAME IMAGE" >&2; exit 2; }; up "$2" "$3" ;;
  down) [ $# = 2 ] || { echo "usage: $0 down NAME" >&2; exit 2; }; down "$2" ;;
  *) echo "usage: $0 up NAME IMAGE | down NAME" >&2; exit 2 ;;
esac

//! The resources of step 4: a Fargate service behind an Application Load Balancer, as a graph
//! built from the spec. Names are derived from the app's name, so every run finds the same
//! resources again (find-or-create, never blind create).

use super::resource::{Desired, ResourceKind};
use crate::fargate::cpu_architecture;
use crate::spec::ProjectSpec;
use serde_json::{json, Value};

/// The managed policy that lets ECS pull images from ECR and write logs for the task.
pub const EXECUTION_POLICY: &str =
    "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

/// A name made of the app's name and a suffix, cut to `max` characters (AWS limits; the ALB
/// and target group names have 32). The cut keeps the suffix and never ends with a hyphen.
pub fn short_name(app: &str, suffix: &str, max: usize) -> String {
    let room = max.saturating_sub(suffix.len());
    let mut base: String = app.chars().take(room).collect();
    while base.ends_with('-') {
        base.pop();
    }
    format!("{base}{suffix}")
}

/// AWS names of a project's service resources, in one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceNames {
    pub cluster: String,
    pub service: String,
    pub family: String,
    pub container: String,
    pub alb: String,
    pub target_group: String,
    pub alb_security_group: String,
    pub task_security_group: String,
    pub execution_role: String,
    pub task_role: String,
    pub log_group: String,
    pub scaling_policy: String,
}

impl ServiceNames {
    /// The names for app `app`.
    pub fn for_app(app: &str) -> Self {
        Self {
            cluster: app.to_string(),
            service: app.to_string(),
            family: app.to_string(),
            container: app.to_string(),
            alb: short_name(app, "", 32),
            target_group: short_name(app, "-tg", 32),
            alb_security_group: format!("{app}-alb"),
            task_security_group: format!("{app}-tasks"),
            execution_role: short_name(app, "-exec", 64),
            task_role: short_name(app, "-task", 64),
            log_group: format!("/ecs/{app}"),
            scaling_policy: format!("{app}-cpu"),
        }
    }

    /// The Application Auto Scaling resource id of the service.
    pub fn scaling_resource(&self) -> String {
        format!("service/{}/{}", self.cluster, self.service)
    }
}

/// What the graph needs besides the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceContext {
    pub region: String,
    /// The image the service runs: `<repository uri>:<tag>`.
    pub image: String,
}

fn d(
    key: &str,
    kind: ResourceKind,
    name: &str,
    props: Value,
    deps: &[&str],
    purpose: &str,
) -> Desired {
    Desired {
        key: key.into(),
        kind,
        name: name.into(),
        props,
        deps: deps.iter().map(|s| s.to_string()).collect(),
        purpose: purpose.into(),
        data: false,
    }
}

/// The service's resources, dependencies first.
pub fn service_resources(spec: &ProjectSpec, ctx: &ServiceContext) -> Vec<Desired> {
    let app = &spec.app;
    let svc = &spec.service;
    let n = ServiceNames::for_app(&app.name);
    let https = svc.certificate_arn.is_some();
    let mut out = Vec::new();

    let mut network = d(
        "network",
        ResourceKind::Network,
        spec.network.vpc_id.as_deref().unwrap_or("default VPC"),
        json!({ "vpc_id": spec.network.vpc_id, "subnets": spec.network.subnets }),
        &[],
        "Where everything runs: a VPC and at least two subnets in different availability zones.",
    );
    network.data = true;
    out.push(network);

    let mut alb_ingress = vec![json!({"port": 80, "cidr": "0.0.0.0/0"})];
    if https {
        alb_ingress.push(json!({"port": 443, "cidr": "0.0.0.0/0"}));
    }
    out.push(d(
        "sg-alb",
        ResourceKind::SecurityGroup,
        &n.alb_security_group,
        json!({
            "vpc_id": "${network.vpc_id}",
            "description": format!("{} load balancer: web traffic from the internet", app.name),
            "ingress": alb_ingress,
        }),
        &["network"],
        "Lets the internet reach the load balancer on port 80 (and 443 with HTTPS), nothing else.",
    ));
    out.push(d(
        "sg-tasks",
        ResourceKind::SecurityGroup,
        &n.task_security_group,
        json!({
            "vpc_id": "${network.vpc_id}",
            "description": format!("{} tasks: the app port, from the load balancer only", app.name),
            "ingress": [{"port": app.port, "source": "${sg-alb.id}"}],
        }),
        &["network", "sg-alb"],
        "Lets only the load balancer reach the tasks, on the app's port.",
    ));
    out.push(d(
        "alb",
        ResourceKind::LoadBalancer,
        &n.alb,
        json!({
            "scheme": "internet-facing",
            "subnets": "${network.subnets}",
            "security_groups": ["${sg-alb.id}"],
        }),
        &["network", "sg-alb"],
        "The public entry point: an internet-facing Application Load Balancer spread over two or more zones.",
    ));
    let hc = &svc.health_check;
    out.push(d(
        "tg",
        ResourceKind::TargetGroup,
        &n.target_group,
        json!({
            "port": app.port,
            "protocol": "HTTP",
            "vpc_id": "${network.vpc_id}",
            "target_type": "ip",
            "health_check": {
                "path": app.health_path,
                "interval_seconds": hc.interval_seconds,
                "timeout_seconds": hc.timeout_seconds,
                "healthy_threshold": hc.healthy_threshold,
                "unhealthy_threshold": hc.unhealthy_threshold,
                "matcher": hc.matcher,
            },
            "deregistration_delay_seconds": 30,
        }),
        &["network"],
        "The list of task IPs the load balancer sends traffic to, each checked on the health path.",
    ));
    let http_action = if https {
        json!({"type": "redirect", "port": 443})
    } else {
        json!({"type": "forward", "target_group": "${tg.arn}"})
    };
    out.push(d(
        "listener-http",
        ResourceKind::Listener,
        &format!("{}:80", n.alb),
        json!({
            "load_balancer": "${alb.arn}",
            "port": 80,
            "protocol": "HTTP",
            "action": http_action,
        }),
        &["alb", "tg"],
        if https {
            "Answers on port 80 by redirecting to HTTPS."
        } else {
            "Answers on port 80 and forwards every request to the target group."
        },
    ));
    if let Some(cert) = &svc.certificate_arn {
        out.push(d(
            "listener-https",
            ResourceKind::Listener,
            &format!("{}:443", n.alb),
            json!({
                "load_balancer": "${alb.arn}",
                "port": 443,
                "protocol": "HTTPS",
                "certificate_arn": cert,
                "action": {"type": "forward", "target_group": "${tg.arn}"},
            }),
            &["alb", "tg"],
            "Answers HTTPS on port 443 with your certificate and forwards to the target group.",
        ));
    }
    let mut exec_inline = Value::Null;
    if !svc.secrets.is_empty() {
        let arns: Vec<&String> = svc.secrets.values().collect();
        exec_inline = json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Action": ["secretsmanager:GetSecretValue", "ssm:GetParameters"],
                "Resource": arns,
            }]
        });
    }
    out.push(d(
        "role-exec",
        ResourceKind::Role,
        &n.execution_role,
        json!({
            "trust": "ecs-tasks.amazonaws.com",
            "managed_policies": [EXECUTION_POLICY],
            "inline_policy": exec_inline,
        }),
        &[],
        "Lets ECS pull your image from ECR and send the app's logs to CloudWatch (the task execution role).",
    ));
    if svc.task_role {
        out.push(d(
            "role-task",
            ResourceKind::Role,
            &n.task_role,
            json!({
                "trust": "ecs-tasks.amazonaws.com",
                "managed_policies": [],
                "inline_policy": null,
            }),
            &[],
            "The app's own identity for calling AWS (no permissions until you add them).",
        ));
    }
    out.push(d(
        "logs",
        ResourceKind::LogGroup,
        &n.log_group,
        json!({ "retention_days": svc.log_retention_days }),
        &[],
        "Keeps what the app prints, for as many days as you chose.",
    ));
    out.push(d(
        "cluster",
        ResourceKind::Cluster,
        &n.cluster,
        json!({}),
        &[],
        "The ECS cluster: a name for the group of services (Fargate needs no servers in it).",
    ));
    let environment: Vec<Value> = svc
        .environment
        .iter()
        .map(|(k, v)| json!({"name": k, "value": v}))
        .collect();
    let secrets: Vec<Value> = svc
        .secrets
        .iter()
        .map(|(k, v)| json!({"name": k, "value_from": v}))
        .collect();
    let mut taskdef_deps = vec!["role-exec", "logs"];
    let task_role = if svc.task_role {
        taskdef_deps.push("role-task");
        json!("${role-task.arn}")
    } else {
        Value::Null
    };
    out.push(d(
        "taskdef",
        ResourceKind::TaskDefinition,
        &n.family,
        json!({
            "cpu": svc.cpu,
            "memory": svc.memory,
            "cpu_architecture": cpu_architecture(&spec.image.platform),
            "execution_role": "${role-exec.arn}",
            "task_role": task_role,
            "container": {
                "name": n.container,
                "image": ctx.image,
                "port": app.port,
                "environment": environment,
                "secrets": secrets,
                "log_group": "${logs.name}",
                "log_region": ctx.region,
            },
        }),
        &taskdef_deps,
        "What to run: your image, its port, CPU and memory, logs, environment (awsvpc networking, Fargate).",
    ));
    // ECS refuses a service whose target group no load balancer uses yet: the service waits
    // for the listener that forwards to it (with HTTPS, port 80 only redirects).
    let mut service_deps = vec!["cluster", "taskdef", "sg-tasks", "tg", "listener-http"];
    if https {
        service_deps.push("listener-https");
    }
    service_deps.push("network");
    out.push(d(
        "service",
        ResourceKind::Service,
        &n.service,
        json!({
            "cluster": "${cluster.arn}",
            "task_definition": "${taskdef.arn}",
            "desired_count": svc.desired_count,
            "launch_type": "FARGATE",
            "min_healthy_percent": svc.min_healthy_percent,
            "max_percent": svc.max_percent,
            "circuit_breaker": svc.circuit_breaker,
            "grace_period_seconds": svc.grace_period_seconds,
            "subnets": "${network.subnets}",
            "security_groups": ["${sg-tasks.id}"],
            "assign_public_ip": spec.network.assign_public_ip,
            "target_group": "${tg.arn}",
            "container_name": n.container,
            "container_port": app.port,
        }),
        &service_deps,
        "Keeps the chosen number of tasks running behind the load balancer, replacing failed ones and rolling out new versions.",
    ));
    if let Some(a) = &svc.autoscaling {
        out.push(d(
            "scaling-target",
            ResourceKind::ScalableTarget,
            &n.scaling_resource(),
            json!({ "min": a.min, "max": a.max }),
            &["service"],
            "Lets Application Auto Scaling change the service's task count between the bounds.",
        ));
        out.push(d(
            "scaling-policy",
            ResourceKind::ScalingPolicy,
            &n.scaling_policy,
            json!({ "resource": n.scaling_resource(), "cpu_target": a.cpu_target }),
            &["scaling-target"],
            "Adds tasks when average CPU is above the target and removes them when it is below.",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::resource::references;

    fn spec(extra: &str) -> ProjectSpec {
        ProjectSpec::parse(&format!(
            "[app]\nname = \"shop-api\"\nport = 8080\nhealth_path = \"/health\"\n{extra}"
        ))
        .unwrap()
    }

    fn ctx() -> ServiceContext {
        ServiceContext {
            region: "us-east-1".into(),
            image: "123.dkr.ecr.us-east-1.amazonaws.com/shop-api:abc1234".into(),
        }
    }

    #[test]
    fn names_fit_aws_limits_and_keep_their_suffix() {
        let long = "a-very-long-application-name-xyz";
        let n = ServiceNames::for_app(long);
        assert!(
            n.target_group.len() <= 32 && n.target_group.ends_with("-tg"),
            "{}",
            n.target_group
        );
        assert!(n.alb.len() <= 32);
        assert_eq!(short_name("abc-", "-tg", 6), "abc-tg");
        assert_eq!(short_name("abcdef", "-tg", 6), "abc-tg");
    }

    #[test]
    fn the_graph_has_every_resource_and_references_only_earlier_ones() {
        let resources = service_resources(&spec(""), &ctx());
        let keys: Vec<&str> = resources.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(
            keys,
            vec![
                "network",
                "sg-alb",
                "sg-tasks",
                "alb",
                "tg",
                "listener-http",
                "role-exec",
                "logs",
                "cluster",
                "taskdef",
                "service"
            ]
        );
        for (i, r) in resources.iter().enumerate() {
            for dep in r.deps.iter().chain(references(&r.props).iter()) {
                let at = keys
                    .iter()
                    .position(|k| k == dep)
                    .unwrap_or_else(|| panic!("{} refers to unknown {dep}", r.key));
                assert!(at < i, "{} refers to {dep}, which comes later", r.key);
                assert!(
                    r.deps.contains(dep),
                    "{} refers to {dep} without depending on it",
                    r.key
                );
            }
        }
    }

    #[test]
    fn https_autoscaling_secrets_and_a_task_role_add_what_they_need() {
        let s = spec("[service]\ncertificate_arn = \"arn:aws:acm:us-east-1:123:certificate/abc\"\ntask_role = true\n[service.autoscaling]\nmin = 1\nmax = 4\ncpu_target = 60\n[service.secrets]\nDB_PASSWORD = \"arn:aws:secretsmanager:us-east-1:123:secret:db\"\n");
        let r = service_resources(&s, &ctx());
        let get = |k: &str| {
            r.iter()
                .find(|x| x.key == k)
                .unwrap_or_else(|| panic!("{k}"))
        };
        assert_eq!(get("listener-http").props["action"]["type"], "redirect");
        assert_eq!(get("listener-https").props["port"], 443);
        assert!(
            get("service").deps.contains(&"listener-https".to_string()),
            "the target group is attached to the load balancer only through the HTTPS listener"
        );
        assert_eq!(get("sg-alb").props["ingress"].as_array().unwrap().len(), 2);
        assert_eq!(get("scaling-policy").props["cpu_target"], 60);
        assert_eq!(get("taskdef").props["task_role"], "${role-task.arn}");
        let inline = &get("role-exec").props["inline_policy"];
        assert_eq!(
            inline["Statement"][0]["Resource"][0],
            "arn:aws:secretsmanager:us-east-1:123:secret:db"
        );
    }

    #[test]
    fn the_task_definition_matches_the_image_platform_and_port() {
        let s = spec("[image]\nplatform = \"linux/arm64\"\n");
        let r = service_resources(&s, &ctx());
        let td = &r.iter().find(|x| x.key == "taskdef").unwrap().props;
        assert_eq!(td["cpu_architecture"], "ARM64");
        assert_eq!(td["container"]["port"], 8080);
        assert_eq!(td["container"]["image"], ctx().image);
        let sg = &r.iter().find(|x| x.key == "sg-tasks").unwrap().props;
        assert_eq!(sg["ingress"][0]["port"], 8080);
    }

    #[test]
    fn security_group_descriptions_use_only_characters_ec2_accepts() {
        // EC2 refuses anything else in a VPC security group's description (an apostrophe
        // included): CreateSecurityGroup would fail on AWS, though the emulator accepts it.
        let allowed = |c: char| c.is_ascii_alphanumeric() || " ._-:/()#,@[]+=&;{}!$*".contains(c);
        let s =
            spec("[service]\ncertificate_arn = \"arn:aws:acm:us-east-1:123:certificate/abc\"\n");
        for r in service_resources(&s, &ctx()) {
            if r.kind == ResourceKind::SecurityGroup {
                let d = r.props["description"].as_str().unwrap();
                assert!(d.len() <= 255 && d.chars().all(allowed), "{}: {d}", r.key);
            }
        }
    }
}

use super::cloudformation::{cloudformation, from_graph, logical_id};
use crate::plan::resource::{Desired, ResourceKind, PROJECT_TAG};
use crate::plan::service::{service_resources, ServiceContext};
use crate::spec::ProjectSpec;
use crate::ErrorCode;
use serde_json::{json, Value};

const IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-api:1a2b3c4";
const CERT: &str = "arn:aws:acm:us-east-1:123456789012:certificate/abc";
const SECRET: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db";

fn spec(extra: &str) -> ProjectSpec {
    ProjectSpec::parse(&format!(
        "[app]\nname = \"shop-api\"\nport = 8080\nhealth_path = \"/health\"\n{extra}"
    ))
    .unwrap()
}

fn everything() -> ProjectSpec {
    spec(&format!("[service]\ncertificate_arn = \"{CERT}\"\ntask_role = true\n[service.environment]\nRUST_LOG = \"info\"\n[service.secrets]\nDB_PASSWORD = \"{SECRET}\"\n[service.autoscaling]\nmin = 1\nmax = 4\ncpu_target = 60\n"))
}

fn template(s: &ProjectSpec) -> Value {
    cloudformation(s, Some(IMAGE)).unwrap()
}

fn resource<'a>(t: &'a Value, id: &str) -> &'a Value {
    t["Resources"]
        .get(id)
        .unwrap_or_else(|| panic!("no {id} in {:#}", t["Resources"]))
}

fn props<'a>(t: &'a Value, id: &str) -> &'a Value {
    &resource(t, id)["Properties"]
}

fn get_att(id: &str, attr: &str) -> Value {
    json!({ "Fn::GetAtt": [id, attr] })
}

fn by_ref(id: &str) -> Value {
    json!({ "Ref": id })
}

/// Every string in `v`, with where it is.
fn strings(v: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::String(s) => out.push((at.to_string(), s.clone())),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, x)| strings(x, &format!("{at}[{i}]"), out)),
        Value::Object(map) => map
            .iter()
            .for_each(|(k, x)| strings(x, &format!("{at}.{k}"), out)),
        _ => {}
    }
}

#[test]
fn references_become_ref_and_getatt_of_the_referenced_logical_id() {
    let t = template(&everything());
    assert_eq!(
        props(&t, "LoadBalancer")["SecurityGroups"],
        json!([get_att("AlbSecurityGroup", "GroupId")])
    );
    assert_eq!(props(&t, "LoadBalancer")["Subnets"], by_ref("Subnets"));
    assert_eq!(
        props(&t, "TaskSecurityGroup")["SecurityGroupIngress"][0]["SourceSecurityGroupId"],
        get_att("AlbSecurityGroup", "GroupId")
    );
    assert_eq!(props(&t, "TaskSecurityGroup")["VpcId"], by_ref("VpcId"));
    assert_eq!(props(&t, "TargetGroup")["VpcId"], by_ref("VpcId"));
    for listener in ["HttpListener", "HttpsListener"] {
        assert_eq!(
            props(&t, listener)["LoadBalancerArn"],
            by_ref("LoadBalancer")
        );
    }
    assert_eq!(
        props(&t, "HttpsListener")["DefaultActions"][0]["TargetGroupArn"],
        by_ref("TargetGroup")
    );
    let td = props(&t, "TaskDefinition");
    assert_eq!(td["ExecutionRoleArn"], get_att("ExecutionRole", "Arn"));
    assert_eq!(td["TaskRoleArn"], get_att("TaskRole", "Arn"));
    let c = &td["ContainerDefinitions"][0];
    assert_eq!(c["Image"], by_ref("Image"));
    assert_eq!(
        c["LogConfiguration"]["Options"]["awslogs-group"],
        by_ref("LogGroup")
    );
    assert_eq!(
        c["LogConfiguration"]["Options"]["awslogs-region"],
        by_ref("AWS::Region")
    );
    let svc = props(&t, "Service");
    assert_eq!(svc["Cluster"], get_att("Cluster", "Arn"));
    assert_eq!(svc["TaskDefinition"], by_ref("TaskDefinition"));
    assert_eq!(
        svc["LoadBalancers"][0]["TargetGroupArn"],
        by_ref("TargetGroup")
    );
    let net = &svc["NetworkConfiguration"]["AwsvpcConfiguration"];
    assert_eq!(net["Subnets"], by_ref("Subnets"));
    assert_eq!(
        net["SecurityGroups"],
        json!([get_att("TaskSecurityGroup", "GroupId")])
    );
    assert_eq!(
        props(&t, "ScalingPolicy")["ScalingTargetId"],
        by_ref("ScalableTarget")
    );
    assert_eq!(
        t["Outputs"]["ServiceUrl"]["Value"],
        json!({ "Fn::Join": ["", ["https://", get_att("LoadBalancer", "DNSName")]] })
    );
    assert_eq!(t["Outputs"]["ClusterName"]["Value"], by_ref("Cluster"));
    assert_eq!(
        t["Outputs"]["ServiceName"]["Value"],
        get_att("Service", "Name")
    );
}

#[test]
fn every_resource_of_the_graph_is_in_the_template_tagged_with_the_project() {
    for s in [spec(""), everything()] {
        let t = template(&s);
        let graph = service_resources(
            &s,
            &ServiceContext {
                region: "us-east-1".into(),
                image: IMAGE.into(),
            },
        );
        let created: Vec<&Desired> = graph.iter().filter(|d| !d.data).collect();
        let resources = t["Resources"].as_object().unwrap();
        assert_eq!(resources.len(), created.len(), "{:?}", resources.keys());
        for d in created {
            let r = resource(&t, &logical_id(&d.key));
            // Scaling policies are the one type here CloudFormation cannot tag.
            if r["Type"] == "AWS::ApplicationAutoScaling::ScalingPolicy" {
                assert!(r["Properties"].get("Tags").is_none());
                continue;
            }
            let tags = r["Properties"]["Tags"].as_array().unwrap_or_else(|| {
                panic!("{} has no tags", d.key);
            });
            assert!(
                tags.contains(&json!({ "Key": PROJECT_TAG, "Value": "shop-api" })),
                "{}: {tags:?}",
                d.key
            );
        }
    }
}

#[test]
fn no_string_in_any_variant_keeps_a_reference() {
    let arm = spec("[image]\nplatform = \"linux/arm64\"\n");
    for (s, image) in [
        (spec(""), Some(IMAGE)),
        (everything(), Some(IMAGE)),
        (arm, None),
    ] {
        let t = cloudformation(&s, image).unwrap();
        let mut all = Vec::new();
        strings(&t, "", &mut all);
        assert!(all.len() > 50, "the walk found the strings");
        for (at, text) in all {
            assert!(!text.contains("${"), "{at} = {text}");
        }
    }
}

#[test]
fn https_autoscaling_secrets_and_a_task_role_appear_only_when_set() {
    let plain = template(&spec(""));
    for id in [
        "HttpsListener",
        "TaskRole",
        "ScalableTarget",
        "ScalingPolicy",
    ] {
        assert!(plain["Resources"].get(id).is_none(), "{id} in a plain spec");
    }
    let td = props(&plain, "TaskDefinition");
    assert!(td.get("TaskRoleArn").is_none());
    let c = &td["ContainerDefinitions"][0];
    assert!(c.get("Secrets").is_none() && c.get("Environment").is_none());
    assert!(props(&plain, "ExecutionRole").get("Policies").is_none());
    assert_eq!(
        props(&plain, "HttpListener")["DefaultActions"],
        json!([{ "Type": "forward", "TargetGroupArn": by_ref("TargetGroup") }])
    );
    assert_eq!(
        props(&plain, "AlbSecurityGroup")["SecurityGroupIngress"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        plain["Outputs"]["ServiceUrl"]["Value"]["Fn::Join"][1][0],
        "http://"
    );

    let full = template(&everything());
    assert_eq!(
        props(&full, "HttpListener")["DefaultActions"],
        json!([{ "Type": "redirect", "RedirectConfig": { "Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301" } }])
    );
    let https = props(&full, "HttpsListener");
    assert_eq!(https["Port"], 443);
    assert_eq!(https["Protocol"], "HTTPS");
    assert_eq!(https["Certificates"], json!([{ "CertificateArn": CERT }]));
    let ingress = props(&full, "AlbSecurityGroup")["SecurityGroupIngress"].clone();
    assert!(ingress.as_array().unwrap().contains(
        &json!({ "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0" })
    ));
    let c = &props(&full, "TaskDefinition")["ContainerDefinitions"][0];
    assert_eq!(
        c["Secrets"],
        json!([{ "Name": "DB_PASSWORD", "ValueFrom": SECRET }])
    );
    assert_eq!(
        c["Environment"],
        json!([{ "Name": "RUST_LOG", "Value": "info" }])
    );
    let policy = &props(&full, "ExecutionRole")["Policies"][0];
    assert_eq!(
        policy["PolicyDocument"]["Statement"][0]["Resource"],
        json!([SECRET])
    );
    let task_role = props(&full, "TaskRole");
    assert!(task_role.get("Policies").is_none() && task_role.get("ManagedPolicyArns").is_none());
    let target = props(&full, "ScalableTarget");
    assert_eq!(
        (
            &target["MinCapacity"],
            &target["MaxCapacity"],
            &target["ResourceId"]
        ),
        (&json!(1), &json!(4), &json!("service/shop-api/shop-api"))
    );
    assert!(target.get("RoleARN").is_none(), "the service-linked role");
    let tracking = &props(&full, "ScalingPolicy")["TargetTrackingScalingPolicyConfiguration"];
    assert_eq!(tracking["TargetValue"], 60);
    assert_eq!(
        tracking["PredefinedMetricSpecification"]["PredefinedMetricType"],
        "ECSServiceAverageCPUUtilization"
    );
}

#[test]
fn the_service_waits_for_the_listeners_that_attach_its_target_group() {
    let plain = template(&spec(""));
    assert_eq!(
        resource(&plain, "Service")["DependsOn"],
        json!(["HttpListener"])
    );
    let full = template(&everything());
    assert_eq!(
        resource(&full, "Service")["DependsOn"],
        json!(["HttpListener", "HttpsListener"])
    );
    assert_eq!(
        resource(&full, "ScalableTarget")["DependsOn"],
        json!(["Service"])
    );
    // A DependsOn that repeats a reference is noise (and a cfn-lint warning).
    for (id, r) in full["Resources"].as_object().unwrap() {
        let text = r["Properties"].to_string();
        for dep in r["DependsOn"].as_array().into_iter().flatten() {
            let dep = dep.as_str().unwrap();
            assert!(
                !text.contains(&format!("\"Ref\":\"{dep}\""))
                    && !text.contains(&format!("\"Fn::GetAtt\":[\"{dep}\"")),
                "{id} depends on {dep}, which it already references"
            );
        }
    }
}

#[test]
fn the_task_definition_is_fargate_with_sizes_as_strings_and_the_image_platform() {
    let t = template(&spec(
        "[image]\nplatform = \"linux/arm64\"\n[service]\ncpu = 1024\nmemory = 2048\n",
    ));
    let td = props(&t, "TaskDefinition");
    assert_eq!(td["Cpu"], "1024");
    assert_eq!(td["Memory"], "2048");
    assert_eq!(td["NetworkMode"], "awsvpc");
    assert_eq!(td["RequiresCompatibilities"], json!(["FARGATE"]));
    assert_eq!(
        td["RuntimePlatform"],
        json!({ "CpuArchitecture": "ARM64", "OperatingSystemFamily": "LINUX" })
    );
    assert_eq!(td["Family"], "shop-api");
    let c = &td["ContainerDefinitions"][0];
    assert_eq!(
        c["PortMappings"],
        json!([{ "ContainerPort": 8080, "Protocol": "tcp" }])
    );
    assert_eq!(c["LogConfiguration"]["LogDriver"], "awslogs");
    assert_eq!(
        c["LogConfiguration"]["Options"]["awslogs-stream-prefix"],
        "ecs"
    );
    assert_eq!(
        props(&template(&spec("")), "TaskDefinition")["RuntimePlatform"]["CpuArchitecture"],
        "X86_64"
    );
}

#[test]
fn the_target_group_and_service_carry_the_specs_health_and_deployment_settings() {
    let t = template(&spec("[service]\ndesired_count = 3\ngrace_period_seconds = 90\ncircuit_breaker = false\nmin_healthy_percent = 50\n[service.health_check]\ninterval_seconds = 20\nmatcher = \"200,302\"\n[network]\nassign_public_ip = false\n"));
    let tg = props(&t, "TargetGroup");
    assert_eq!(tg["HealthCheckPath"], "/health");
    assert_eq!(tg["HealthCheckIntervalSeconds"], 20);
    assert_eq!(tg["HealthCheckTimeoutSeconds"], 5);
    assert_eq!(tg["HealthyThresholdCount"], 2);
    assert_eq!(tg["UnhealthyThresholdCount"], 3);
    assert_eq!(tg["Matcher"], json!({ "HttpCode": "200,302" }));
    assert_eq!(tg["TargetType"], "ip");
    assert_eq!(tg["Port"], 8080);
    assert_eq!(
        tg["TargetGroupAttributes"],
        json!([{ "Key": "deregistration_delay.timeout_seconds", "Value": "30" }])
    );
    let svc = props(&t, "Service");
    assert_eq!(svc["DesiredCount"], 3);
    assert_eq!(svc["LaunchType"], "FARGATE");
    assert_eq!(svc["HealthCheckGracePeriodSeconds"], 90);
    assert_eq!(
        svc["DeploymentConfiguration"],
        json!({ "MinimumHealthyPercent": 50, "MaximumPercent": 200, "DeploymentCircuitBreaker": { "Enable": false, "Rollback": false } })
    );
    assert_eq!(
        svc["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"],
        "DISABLED"
    );
    assert_eq!(
        svc["LoadBalancers"][0]["ContainerName"], "shop-api",
        "the task definition's container"
    );
    assert_eq!(svc["ServiceName"], "shop-api");
    assert_eq!(props(&t, "LogGroup")["RetentionInDays"], 14);
    assert_eq!(props(&t, "LogGroup")["LogGroupName"], "/ecs/shop-api");
    assert_eq!(resource(&t, "LogGroup")["DeletionPolicy"], "Delete");
}

#[test]
fn the_network_becomes_parameters_defaulting_to_the_specs_choice() {
    let t = cloudformation(&spec(""), None).unwrap();
    let p = &t["Parameters"];
    assert_eq!(p["VpcId"]["Type"], "AWS::EC2::VPC::Id");
    assert_eq!(p["Subnets"]["Type"], "List<AWS::EC2::Subnet::Id>");
    for name in ["VpcId", "Subnets", "Image"] {
        assert!(p[name].get("Default").is_none(), "{name} has no default");
        assert!(p[name]["Description"]
            .as_str()
            .is_some_and(|d| d.len() > 20));
    }
    let chosen =
        spec("[network]\nvpc_id = \"vpc-0a1\"\nsubnets = [\"subnet-a1\", \"subnet-b2\"]\n");
    let t = template(&chosen);
    let p = &t["Parameters"];
    assert_eq!(p["VpcId"]["Default"], "vpc-0a1");
    assert_eq!(p["Subnets"]["Default"], "subnet-a1,subnet-b2");
    assert_eq!(p["Image"]["Default"], IMAGE);
    assert!(t["Resources"].get("Network").is_none());
}

#[test]
fn logical_ids_are_readable_and_the_same_every_time() {
    for (key, id) in [
        ("sg-alb", "AlbSecurityGroup"),
        ("sg-tasks", "TaskSecurityGroup"),
        ("alb", "LoadBalancer"),
        ("tg", "TargetGroup"),
        ("listener-http", "HttpListener"),
        ("listener-https", "HttpsListener"),
        ("role-exec", "ExecutionRole"),
        ("role-task", "TaskRole"),
        ("logs", "LogGroup"),
        ("cluster", "Cluster"),
        ("taskdef", "TaskDefinition"),
        ("service", "Service"),
        ("scaling-target", "ScalableTarget"),
        ("scaling-policy", "ScalingPolicy"),
        ("sg-db-proxy", "SgDbProxy"),
    ] {
        assert_eq!(logical_id(key), id);
    }
    assert_eq!(template(&everything()), template(&everything()));
}

fn cluster_with(props: Value) -> Vec<Desired> {
    vec![
        Desired {
            key: "cluster".into(),
            kind: ResourceKind::Cluster,
            name: "shop-api".into(),
            props: json!({}),
            deps: vec![],
            purpose: String::new(),
            data: false,
        },
        Desired {
            key: "logs".into(),
            kind: ResourceKind::LogGroup,
            name: "/ecs/shop-api".into(),
            props,
            deps: vec![],
            purpose: String::new(),
            data: false,
        },
    ]
}

#[test]
fn a_reference_the_template_cannot_express_is_an_error_not_text() {
    // A key the graph does not have.
    let e = from_graph(
        &cluster_with(json!({ "retention_days": "${nothing.arn}" })),
        "shop-api",
        None,
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("${nothing.arn}"), "{}", e.message);
    // An attribute the resource has no CloudFormation counterpart for.
    let e = from_graph(
        &cluster_with(json!({ "retention_days": "${cluster.dns_name}" })),
        "shop-api",
        None,
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Internal);
    assert!(e.message.contains("dns_name"), "{}", e.message);
    // A reference that never closes.
    assert!(from_graph(
        &cluster_with(json!({ "retention_days": "x ${cluster.arn" })),
        "shop-api",
        None
    )
    .is_err());
    // Text around a reference becomes a join, not a string with a hole in it.
    let graph = cluster_with(json!({ "retention_days": 14 }));
    let joined =
        super::cloudformation::intrinsics(&json!("arn=${cluster.arn}!"), &graph, "test").unwrap();
    assert_eq!(
        joined,
        json!({ "Fn::Join": ["", ["arn=", get_att("Cluster", "Arn"), "!"]] })
    );
}

#[test]
fn text_that_looks_like_a_reference_in_the_spec_is_refused_with_a_hint() {
    let s = spec("[service.environment]\nGREETING = \"hello ${USER}\"\n");
    let e = cloudformation(&s, Some(IMAGE)).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("${USER}"), "{}", e.message);
    assert!(e.hint.contains("environment"), "{}", e.hint);
}

#[test]
fn an_image_that_is_not_a_reference_is_refused() {
    for bad in ["", "shop api:1", "x:${tag}"] {
        let e = cloudformation(&spec(""), Some(bad)).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{bad:?}");
    }
}

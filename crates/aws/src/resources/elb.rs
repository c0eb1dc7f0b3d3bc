//! The Application Load Balancer, its target group and its listeners.

use super::{n, observed, s, strings, TAG};
use crate::{AwsError, Connection};
use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, Certificate, IpAddressType, LoadBalancerSchemeEnum,
    LoadBalancerTypeEnum, Matcher, ProtocolEnum, RedirectActionConfig,
    RedirectActionStatusCodeEnum, Tag, TargetGroupAttribute, TargetTypeEnum,
};
use serde_json::{json, Value};
use slipway_core::plan::{Desired, Observed, ResourceKind};
use std::collections::BTreeMap;

fn tag(project: &str) -> Tag {
    Tag::builder().key(TAG).value(project).build()
}

async fn tags_of(conn: &Connection, arn: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let out = conn
        .elbv2()
        .describe_tags()
        .resource_arns(arn)
        .send()
        .await
        .map_err(conn.fail("ELBv2", "DescribeTags"))?;
    Ok(out
        .tag_descriptions()
        .iter()
        .flat_map(|d| d.tags())
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect())
}

fn lb_observed(
    key: &str,
    lb: &aws_sdk_elasticloadbalancingv2::types::LoadBalancer,
    tags: BTreeMap<String, String>,
) -> Observed {
    let mut subnets: Vec<String> = lb
        .availability_zones()
        .iter()
        .filter_map(|z| z.subnet_id().map(str::to_string))
        .collect();
    subnets.sort();
    let mut groups: Vec<String> = lb.security_groups().to_vec();
    groups.sort();
    let arn = lb.load_balancer_arn().unwrap_or_default();
    observed(
        key,
        ResourceKind::LoadBalancer,
        lb.load_balancer_name().unwrap_or_default(),
        arn,
        json!({
            "scheme": lb.scheme().map(|s| s.as_str()).unwrap_or_default(),
            "subnets": subnets,
            "security_groups": groups,
        }),
        &[
            ("dns_name", json!(lb.dns_name().unwrap_or_default())),
            (
                "zone_id",
                json!(lb.canonical_hosted_zone_id().unwrap_or_default()),
            ),
            (
                "state",
                json!(lb
                    .state()
                    .and_then(|s| s.code())
                    .map(|c| c.as_str())
                    .unwrap_or_default()),
            ),
        ],
        tags,
    )
}

/// The load balancer by name.
pub async fn observe_lb(conn: &Connection, want: &Desired) -> Result<Option<Observed>, AwsError> {
    let out = match conn
        .elbv2()
        .describe_load_balancers()
        .names(&want.name)
        .send()
        .await
    {
        Ok(o) => o,
        Err(e) if crate::error::code_of(&e) == Some("LoadBalancerNotFound") => return Ok(None),
        Err(e) => return Err(conn.fail("ELBv2", "DescribeLoadBalancers")(e)),
    };
    match out.load_balancers().first() {
        Some(lb) => {
            let tags = tags_of(conn, lb.load_balancer_arn().unwrap_or_default()).await?;
            Ok(Some(lb_observed(&want.key, lb, tags)))
        }
        None => Ok(None),
    }
}

/// Creates an internet-facing Application Load Balancer.
pub async fn create_lb(
    conn: &Connection,
    want: &Desired,
    props: &Value,
    project: &str,
) -> Result<Observed, AwsError> {
    let out = conn
        .elbv2()
        .create_load_balancer()
        .name(&want.name)
        .r#type(LoadBalancerTypeEnum::Application)
        .scheme(LoadBalancerSchemeEnum::from(s(props, "scheme")))
        .ip_address_type(IpAddressType::Ipv4)
        .set_subnets(Some(strings(props, "subnets")))
        .set_security_groups(Some(strings(props, "security_groups")))
        .tags(tag(project))
        .send()
        .await
        .map_err(conn.fail("ELBv2", "CreateLoadBalancer"))?;
    let lb = out
        .load_balancers()
        .first()
        .ok_or_else(|| empty("CreateLoadBalancer"))?;
    // A retried call whose first answer was lost may have made a second load balancer of the
    // same name (the emulator does; AWS answers with the first): keep the one returned.
    remove_others_named(conn, &want.name, lb.load_balancer_arn()).await?;
    Ok(lb_observed(
        &want.key,
        lb,
        super::tags_map([(TAG, project)]),
    ))
}

/// Moves the load balancer to the wanted subnets and security groups.
pub async fn update_lb(
    conn: &Connection,
    want: &Desired,
    props: &Value,
    current: &Observed,
) -> Result<Observed, AwsError> {
    let elb = conn.elbv2();
    if strings(props, "subnets") != strings(&current.props, "subnets") {
        elb.set_subnets()
            .load_balancer_arn(&current.id)
            .set_subnets(Some(strings(props, "subnets")))
            .send()
            .await
            .map_err(conn.fail("ELBv2", "SetSubnets"))?;
    }
    if strings(props, "security_groups") != strings(&current.props, "security_groups") {
        elb.set_security_groups()
            .load_balancer_arn(&current.id)
            .set_security_groups(Some(strings(props, "security_groups")))
            .send()
            .await
            .map_err(conn.fail("ELBv2", "SetSecurityGroups"))?;
    }
    observe_lb(conn, want)
        .await?
        .ok_or_else(|| empty("DescribeLoadBalancers"))
}

/// Deletes the load balancer, and any other of the same name (see `remove_others_named`).
pub async fn delete_lb(conn: &Connection, current: &Observed) -> Result<(), AwsError> {
    delete_lb_arn(conn, &current.id).await?;
    remove_others_named(conn, &current.name, None).await
}

async fn delete_lb_arn(conn: &Connection, arn: &str) -> Result<(), AwsError> {
    match conn
        .elbv2()
        .delete_load_balancer()
        .load_balancer_arn(arn)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if crate::error::code_of(&e) == Some("LoadBalancerNotFound") => Ok(()),
        Err(e) => Err(conn.fail("ELBv2", "DeleteLoadBalancer")(e)),
    }
}

/// Deletes the load balancers named `name` other than `keep`. Every load balancer is listed
/// and filtered by name: asked by name, the emulator answers with one of them only.
async fn remove_others_named(
    conn: &Connection,
    name: &str,
    keep: Option<&str>,
) -> Result<(), AwsError> {
    let mut doomed = Vec::new();
    let mut pages = conn
        .elbv2()
        .describe_load_balancers()
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(conn.fail("ELBv2", "DescribeLoadBalancers"))?;
        for lb in page.load_balancers() {
            let arn = lb.load_balancer_arn().unwrap_or_default();
            if !arn.is_empty() && Some(arn) != keep && lb.load_balancer_name() == Some(name) {
                doomed.push(arn.to_string());
            }
        }
    }
    for arn in doomed {
        delete_lb_arn(conn, &arn).await?;
    }
    Ok(())
}

fn empty(op: &'static str) -> AwsError {
    AwsError::Call {
        service: "ELBv2",
        operation: op,
        code: "EmptyResponse".into(),
        detail: "AWS answered without the resource".into(),
    }
}

async fn tg_observed(
    conn: &Connection,
    key: &str,
    tg: &aws_sdk_elasticloadbalancingv2::types::TargetGroup,
) -> Result<Observed, AwsError> {
    let arn = tg.target_group_arn().unwrap_or_default();
    let attrs = conn
        .elbv2()
        .describe_target_group_attributes()
        .target_group_arn(arn)
        .send()
        .await
        .map_err(conn.fail("ELBv2", "DescribeTargetGroupAttributes"))?;
    let delay = attrs
        .attributes()
        .iter()
        .find(|a| a.key() == Some("deregistration_delay.timeout_seconds"))
        .and_then(|a| a.value())
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(300);
    let tags = tags_of(conn, arn).await?;
    Ok(observed(
        key,
        ResourceKind::TargetGroup,
        tg.target_group_name().unwrap_or_default(),
        arn,
        json!({
            "port": tg.port().unwrap_or(0),
            "protocol": tg.protocol().map(|p| p.as_str()).unwrap_or_default(),
            "vpc_id": tg.vpc_id().unwrap_or_default(),
            "target_type": tg.target_type().map(|t| t.as_str()).unwrap_or_default(),
            "health_check": {
                "path": tg.health_check_path().unwrap_or_default(),
                "interval_seconds": tg.health_check_interval_seconds().unwrap_or(0),
                "timeout_seconds": tg.health_check_timeout_seconds().unwrap_or(0),
                "healthy_threshold": tg.healthy_threshold_count().unwrap_or(0),
                "unhealthy_threshold": tg.unhealthy_threshold_count().unwrap_or(0),
                "matcher": tg.matcher().and_then(|m| m.http_code()).unwrap_or_default(),
            },
            "deregistration_delay_seconds": delay,
        }),
        &[("load_balancers", json!(tg.load_balancer_arns()))],
        tags,
    ))
}

/// The target group by name.
pub async fn observe_tg(conn: &Connection, want: &Desired) -> Result<Option<Observed>, AwsError> {
    let out = match conn
        .elbv2()
        .describe_target_groups()
        .names(&want.name)
        .send()
        .await
    {
        Ok(o) => o,
        Err(e) if crate::error::code_of(&e) == Some("TargetGroupNotFound") => return Ok(None),
        Err(e) => return Err(conn.fail("ELBv2", "DescribeTargetGroups")(e)),
    };
    match out.target_groups().first() {
        Some(tg) => Ok(Some(tg_observed(conn, &want.key, tg).await?)),
        None => Ok(None),
    }
}

async fn set_delay(conn: &Connection, arn: &str, props: &Value) -> Result<(), AwsError> {
    conn.elbv2()
        .modify_target_group_attributes()
        .target_group_arn(arn)
        .attributes(
            TargetGroupAttribute::builder()
                .key("deregistration_delay.timeout_seconds")
                .value(n(props, "deregistration_delay_seconds").to_string())
                .build(),
        )
        .send()
        .await
        .map_err(conn.fail("ELBv2", "ModifyTargetGroupAttributes"))?;
    Ok(())
}

/// Creates the target group (IP targets, HTTP health check on the app's path).
pub async fn create_tg(
    conn: &Connection,
    want: &Desired,
    props: &Value,
    project: &str,
) -> Result<Observed, AwsError> {
    let hc = props.get("health_check").cloned().unwrap_or(Value::Null);
    let out = conn
        .elbv2()
        .create_target_group()
        .name(&want.name)
        .protocol(ProtocolEnum::from(s(props, "protocol")))
        .port(n(props, "port") as i32)
        .vpc_id(s(props, "vpc_id"))
        .target_type(TargetTypeEnum::from(s(props, "target_type")))
        .health_check_enabled(true)
        .health_check_protocol(ProtocolEnum::Http)
        .health_check_path(s(&hc, "path"))
        .health_check_interval_seconds(n(&hc, "interval_seconds") as i32)
        .health_check_timeout_seconds(n(&hc, "timeout_seconds") as i32)
        .healthy_threshold_count(n(&hc, "healthy_threshold") as i32)
        .unhealthy_threshold_count(n(&hc, "unhealthy_threshold") as i32)
        .matcher(Matcher::builder().http_code(s(&hc, "matcher")).build())
        .tags(tag(project))
        .send()
        .await
        .map_err(conn.fail("ELBv2", "CreateTargetGroup"))?;
    let tg = out
        .target_groups()
        .first()
        .ok_or_else(|| empty("CreateTargetGroup"))?;
    set_delay(conn, tg.target_group_arn().unwrap_or_default(), props).await?;
    observe_tg(conn, want)
        .await?
        .ok_or_else(|| empty("DescribeTargetGroups"))
}

/// Changes the health check and the deregistration delay.
pub async fn update_tg(
    conn: &Connection,
    want: &Desired,
    props: &Value,
    current: &Observed,
) -> Result<Observed, AwsError> {
    let hc = props.get("health_check").cloned().unwrap_or(Value::Null);
    if props.get("health_check") != current.props.get("health_check") {
        conn.elbv2()
            .modify_target_group()
            .target_group_arn(&current.id)
            .health_check_path(s(&hc, "path"))
            .health_check_interval_seconds(n(&hc, "interval_seconds") as i32)
            .health_check_timeout_seconds(n(&hc, "timeout_seconds") as i32)
            .healthy_threshold_count(n(&hc, "healthy_threshold") as i32)
            .unhealthy_threshold_count(n(&hc, "unhealthy_threshold") as i32)
            .matcher(Matcher::builder().http_code(s(&hc, "matcher")).build())
            .send()
            .await
            .map_err(conn.fail("ELBv2", "ModifyTargetGroup"))?;
    }
    if props.get("deregistration_delay_seconds")
        != current.props.get("deregistration_delay_seconds")
    {
        set_delay(conn, &current.id, props).await?;
    }
    observe_tg(conn, want)
        .await?
        .ok_or_else(|| empty("DescribeTargetGroups"))
}

/// Deletes the target group (once no listener uses it).
pub async fn delete_tg(conn: &Connection, current: &Observed) -> Result<(), AwsError> {
    super::while_busy(8, || async {
        match conn
            .elbv2()
            .delete_target_group()
            .target_group_arn(&current.id)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if crate::error::code_of(&e) == Some("TargetGroupNotFound") => Ok(()),
            Err(e) => Err(conn.fail("ELBv2", "DeleteTargetGroup")(e)),
        }
    })
    .await
}

fn action_props(a: &Action) -> Value {
    match a.r#type() {
        Some(ActionTypeEnum::Redirect) => json!({
            "type": "redirect",
            "port": a.redirect_config().and_then(|r| r.port()).and_then(|p| p.parse::<i64>().ok()).unwrap_or(0),
        }),
        _ => json!({
            "type": "forward",
            "target_group": a.target_group_arn().unwrap_or_default(),
        }),
    }
}

fn action(props: &Value) -> Action {
    let a = props.get("action").cloned().unwrap_or(Value::Null);
    if s(&a, "type") == "redirect" {
        Action::builder()
            .r#type(ActionTypeEnum::Redirect)
            .redirect_config(
                RedirectActionConfig::builder()
                    .protocol("HTTPS")
                    .port(n(&a, "port").to_string())
                    .status_code(RedirectActionStatusCodeEnum::Http301)
                    .build(),
            )
            .build()
    } else {
        Action::builder()
            .r#type(ActionTypeEnum::Forward)
            .target_group_arn(s(&a, "target_group"))
            .build()
    }
}

fn listener_observed(
    key: &str,
    name: &str,
    lb_arn: &str,
    l: &aws_sdk_elasticloadbalancingv2::types::Listener,
) -> Observed {
    let mut props = json!({
        "load_balancer": lb_arn,
        "port": l.port().unwrap_or(0),
        "protocol": l.protocol().map(|p| p.as_str()).unwrap_or_default(),
        "action": l.default_actions().first().map(action_props).unwrap_or(Value::Null),
    });
    if let Some(cert) = l.certificates().first().and_then(|c| c.certificate_arn()) {
        props["certificate_arn"] = json!(cert);
    }
    observed(
        key,
        ResourceKind::Listener,
        name,
        l.listener_arn().unwrap_or_default(),
        props,
        &[],
        BTreeMap::new(),
    )
}

/// The listener on the wanted port of the load balancer (which the properties name).
pub async fn observe_listener(
    conn: &Connection,
    want: &Desired,
    located: Option<&Value>,
) -> Result<Option<Observed>, AwsError> {
    let lb = located.map(|p| s(p, "load_balancer")).unwrap_or("");
    if lb.is_empty() || lb.contains("${") {
        return Ok(None);
    }
    let port = located.map(|p| n(p, "port")).unwrap_or(0);
    let out = match conn
        .elbv2()
        .describe_listeners()
        .load_balancer_arn(lb)
        .send()
        .await
    {
        Ok(o) => o,
        Err(e) if crate::error::code_of(&e) == Some("LoadBalancerNotFound") => return Ok(None),
        Err(e) => return Err(conn.fail("ELBv2", "DescribeListeners")(e)),
    };
    Ok(out
        .listeners()
        .iter()
        .find(|l| i64::from(l.port().unwrap_or(0)) == port)
        .map(|l| listener_observed(&want.key, &want.name, lb, l)))
}

/// Creates the listener (HTTP forward or redirect, HTTPS with the certificate).
pub async fn create_listener(
    conn: &Connection,
    want: &Desired,
    props: &Value,
    project: &str,
) -> Result<Observed, AwsError> {
    let mut req = conn
        .elbv2()
        .create_listener()
        .load_balancer_arn(s(props, "load_balancer"))
        .port(n(props, "port") as i32)
        .protocol(ProtocolEnum::from(s(props, "protocol")))
        .default_actions(action(props))
        .tags(tag(project));
    if let Some(cert) = props.get("certificate_arn").and_then(Value::as_str) {
        req = req.certificates(Certificate::builder().certificate_arn(cert).build());
    }
    let out = req
        .send()
        .await
        .map_err(conn.fail("ELBv2", "CreateListener"))?;
    let l = out
        .listeners()
        .first()
        .ok_or_else(|| empty("CreateListener"))?;
    let mut o = listener_observed(&want.key, &want.name, s(props, "load_balancer"), l);
    o.tags = super::tags_map([(TAG, project)]);
    Ok(o)
}

/// Points the listener at the wanted action (and certificate).
pub async fn update_listener(
    conn: &Connection,
    want: &Desired,
    props: &Value,
    current: &Observed,
) -> Result<Observed, AwsError> {
    let mut req = conn
        .elbv2()
        .modify_listener()
        .listener_arn(&current.id)
        .protocol(ProtocolEnum::from(s(props, "protocol")))
        .default_actions(action(props));
    if let Some(cert) = props.get("certificate_arn").and_then(Value::as_str) {
        req = req.certificates(Certificate::builder().certificate_arn(cert).build());
    }
    let out = req
        .send()
        .await
        .map_err(conn.fail("ELBv2", "ModifyListener"))?;
    let l = out
        .listeners()
        .first()
        .ok_or_else(|| empty("ModifyListener"))?;
    Ok(listener_observed(
        &want.key,
        &want.name,
        s(props, "load_balancer"),
        l,
    ))
}

/// Deletes the listener.
pub async fn delete_listener(conn: &Connection, current: &Observed) -> Result<(), AwsError> {
    match conn
        .elbv2()
        .delete_listener()
        .listener_arn(&current.id)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if crate::error::code_of(&e) == Some("ListenerNotFound") => Ok(()),
        Err(e) => Err(conn.fail("ELBv2", "DeleteListener")(e)),
    }
}

//! The network a service runs in (the default VPC or a chosen one, read only) and its
//! security groups.

use super::{observed, s, TAG};
use crate::{AwsError, Connection};
use aws_sdk_ec2::types::{
    Filter, IpPermission, IpRange, ResourceType, Tag, TagSpecification, UserIdGroupPair,
};
use serde_json::{json, Value};
use slipway_core::plan::{Desired, Observed, ResourceKind};
use std::collections::BTreeMap;

/// The VPC and one subnet per availability zone (at most six), from the spec or the default VPC.
pub async fn observe(conn: &Connection, want: &Desired) -> Result<Option<Observed>, AwsError> {
    let ec2 = conn.ec2();
    let vpc_id = want
        .props
        .get("vpc_id")
        .and_then(Value::as_str)
        .map(str::to_string);
    let chosen: Vec<String> = super::strings(&want.props, "subnets");
    let vpc_id = match vpc_id {
        Some(v) => {
            let out = ec2
                .describe_vpcs()
                .vpc_ids(&v)
                .send()
                .await
                .map_err(conn.fail("EC2", "DescribeVpcs"))?;
            if out.vpcs().is_empty() {
                return Err(AwsError::Call {
                    service: "EC2",
                    operation: "DescribeVpcs",
                    code: "InvalidVpcID.NotFound".into(),
                    detail: format!("there is no VPC {v} in {}", conn.region),
                });
            }
            v
        }
        None => crate::ec2::default_network(conn).await?.vpc_id,
    };
    let subnets = ec2
        .describe_subnets()
        .filters(Filter::builder().name("vpc-id").values(&vpc_id).build())
        .send()
        .await
        .map_err(conn.fail("EC2", "DescribeSubnets"))?;
    let mut by_zone: BTreeMap<String, String> = BTreeMap::new();
    let mut all: Vec<(String, String, bool)> = subnets
        .subnets()
        .iter()
        .map(|sn| {
            (
                sn.availability_zone().unwrap_or_default().to_string(),
                sn.subnet_id().unwrap_or_default().to_string(),
                sn.map_public_ip_on_launch().unwrap_or(false)
                    || sn.default_for_az().unwrap_or(false),
            )
        })
        .collect();
    all.sort();
    if chosen.is_empty() {
        // One subnet per zone, public ones first.
        for (zone, id, public) in all
            .iter()
            .filter(|x| x.2)
            .chain(all.iter().filter(|x| !x.2))
        {
            let _ = public;
            by_zone.entry(zone.clone()).or_insert_with(|| id.clone());
        }
    } else {
        for id in &chosen {
            match all.iter().find(|x| &x.1 == id) {
                Some((zone, _, _)) => {
                    if by_zone.insert(zone.clone(), id.clone()).is_some() {
                        return Err(AwsError::Call {
                            service: "EC2",
                            operation: "DescribeSubnets",
                            code: "SubnetsShareAZone".into(),
                            detail: format!("two of the chosen subnets are in {zone}; a load balancer needs subnets in different zones"),
                        });
                    }
                }
                None => {
                    return Err(AwsError::Call {
                        service: "EC2",
                        operation: "DescribeSubnets",
                        code: "InvalidSubnetID.NotFound".into(),
                        detail: format!("subnet {id} is not in {vpc_id}"),
                    })
                }
            }
        }
    }
    let mut subnet_ids: Vec<String> = by_zone.values().take(6).cloned().collect();
    subnet_ids.sort();
    if subnet_ids.len() < 2 {
        return Err(AwsError::Call {
            service: "EC2",
            operation: "DescribeSubnets",
            code: "NotEnoughZones".into(),
            detail: format!(
                "{vpc_id} has subnets in {} availability zone(s); an Application Load Balancer needs two. Add a subnet in another zone, or pick another VPC",
                by_zone.len()
            ),
        });
    }
    let zones: Vec<String> = by_zone.keys().cloned().collect();
    Ok(Some(observed(
        &want.key,
        ResourceKind::Network,
        &vpc_id,
        &vpc_id,
        json!({ "vpc_id": vpc_id, "subnets": subnet_ids }),
        &[
            ("vpc_id", json!(vpc_id)),
            ("subnets", json!(subnet_ids)),
            ("zones", json!(zones)),
        ],
        BTreeMap::new(),
    )))
}

fn group_props(g: &aws_sdk_ec2::types::SecurityGroup) -> Value {
    let mut ingress: Vec<Value> = Vec::new();
    for p in g.ip_permissions() {
        let port = p.from_port().unwrap_or(0);
        for r in p.ip_ranges() {
            ingress.push(json!({"port": port, "cidr": r.cidr_ip().unwrap_or_default()}));
        }
        for pair in p.user_id_group_pairs() {
            ingress.push(json!({"port": port, "source": pair.group_id().unwrap_or_default()}));
        }
    }
    ingress.sort_by_key(|v| v.to_string());
    json!({
        "vpc_id": g.vpc_id().unwrap_or_default(),
        "description": g.description().unwrap_or_default(),
        "ingress": ingress,
    })
}

fn group_observed(key: &str, g: &aws_sdk_ec2::types::SecurityGroup) -> Observed {
    let id = g.group_id().unwrap_or_default();
    let tags = g
        .tags()
        .iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect();
    observed(
        key,
        ResourceKind::SecurityGroup,
        g.group_name().unwrap_or_default(),
        id,
        group_props(g),
        &[("vpc_id", json!(g.vpc_id().unwrap_or_default()))],
        tags,
    )
}

/// The security group named like `want` (in the VPC, when the properties say which).
pub async fn observe_group(
    conn: &Connection,
    want: &Desired,
    located: Option<&Value>,
) -> Result<Option<Observed>, AwsError> {
    let mut req = conn.ec2().describe_security_groups().filters(
        Filter::builder()
            .name("group-name")
            .values(&want.name)
            .build(),
    );
    if let Some(vpc) = located
        .map(|p| s(p, "vpc_id"))
        .filter(|v| !v.is_empty() && !v.contains("${"))
    {
        req = req.filters(Filter::builder().name("vpc-id").values(vpc).build());
    }
    let out = req
        .send()
        .await
        .map_err(conn.fail("EC2", "DescribeSecurityGroups"))?;
    Ok(out
        .security_groups()
        .first()
        .map(|g| group_observed(&want.key, g)))
}

fn permission(rule: &Value) -> IpPermission {
    let port = rule.get("port").and_then(Value::as_i64).unwrap_or(0) as i32;
    let mut b = IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port);
    if let Some(cidr) = rule.get("cidr").and_then(Value::as_str) {
        b = b.ip_ranges(IpRange::builder().cidr_ip(cidr).build());
    }
    if let Some(src) = rule.get("source").and_then(Value::as_str) {
        b = b.user_id_group_pairs(UserIdGroupPair::builder().group_id(src).build());
    }
    b.build()
}

fn rules(props: &Value) -> Vec<Value> {
    let mut v = props
        .get("ingress")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    v.sort_by_key(|r| r.to_string());
    v
}

async fn authorize(conn: &Connection, id: &str, add: &[Value]) -> Result<(), AwsError> {
    if add.is_empty() {
        return Ok(());
    }
    match conn
        .ec2()
        .authorize_security_group_ingress()
        .group_id(id)
        .set_ip_permissions(Some(add.iter().map(permission).collect()))
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if crate::error::code_of(&e) == Some("InvalidPermission.Duplicate") => Ok(()),
        Err(e) => Err(conn.fail("EC2", "AuthorizeSecurityGroupIngress")(e)),
    }
}

/// Creates the group with its ingress rules and the project tag.
pub async fn create_group(
    conn: &Connection,
    want: &Desired,
    props: &Value,
    project: &str,
) -> Result<Observed, AwsError> {
    let ec2 = conn.ec2();
    let created = ec2
        .create_security_group()
        .group_name(&want.name)
        .description(s(props, "description"))
        .vpc_id(s(props, "vpc_id"))
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::SecurityGroup)
                .tags(Tag::builder().key(TAG).value(project).build())
                .tags(Tag::builder().key("Name").value(&want.name).build())
                .build(),
        )
        .send()
        .await
        .map_err(conn.fail("EC2", "CreateSecurityGroup"))?;
    let id = created.group_id().unwrap_or_default().to_string();
    authorize(conn, &id, &rules(props)).await?;
    refetch_group(conn, want, &id).await
}

async fn refetch_group(conn: &Connection, want: &Desired, id: &str) -> Result<Observed, AwsError> {
    let out = conn
        .ec2()
        .describe_security_groups()
        .group_ids(id)
        .send()
        .await
        .map_err(conn.fail("EC2", "DescribeSecurityGroups"))?;
    out.security_groups()
        .first()
        .map(|g| group_observed(&want.key, g))
        .ok_or_else(|| AwsError::Call {
            service: "EC2",
            operation: "DescribeSecurityGroups",
            code: "InvalidGroup.NotFound".into(),
            detail: format!("{id} vanished right after it was created"),
        })
}

/// Adds missing ingress rules and revokes ones the spec no longer has.
pub async fn update_group(
    conn: &Connection,
    want: &Desired,
    props: &Value,
    current: &Observed,
) -> Result<Observed, AwsError> {
    let wanted = rules(props);
    let have = rules(&current.props);
    let add: Vec<Value> = wanted
        .iter()
        .filter(|r| !have.contains(r))
        .cloned()
        .collect();
    let remove: Vec<Value> = have
        .iter()
        .filter(|r| !wanted.contains(r))
        .cloned()
        .collect();
    authorize(conn, &current.id, &add).await?;
    if !remove.is_empty() {
        conn.ec2()
            .revoke_security_group_ingress()
            .group_id(&current.id)
            .set_ip_permissions(Some(remove.iter().map(permission).collect()))
            .send()
            .await
            .map_err(conn.fail("EC2", "RevokeSecurityGroupIngress"))?;
    }
    refetch_group(conn, want, &current.id).await
}

/// Deletes the group, waiting (bounded) while network interfaces still use it.
pub async fn delete_group(conn: &Connection, current: &Observed) -> Result<(), AwsError> {
    super::while_busy(12, || async {
        match conn
            .ec2()
            .delete_security_group()
            .group_id(&current.id)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if crate::error::code_of(&e) == Some("InvalidGroup.NotFound") => Ok(()),
            Err(e) => Err(conn.fail("EC2", "DeleteSecurityGroup")(e)),
        }
    })
    .await
}

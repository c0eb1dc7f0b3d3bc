//! EC2 reads: the default VPC and its subnets, where a first Fargate service goes.

use crate::{AwsError, Connection};
use aws_sdk_ec2::types::Filter;

/// One subnet of the network a service can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubnetInfo {
    pub id: String,
    pub availability_zone: String,
    pub cidr: String,
    /// Whether instances launched here get a public IP by default.
    pub public: bool,
}

/// The default VPC with its subnets, sorted by availability zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultNetwork {
    pub vpc_id: String,
    pub cidr: String,
    pub subnets: Vec<SubnetInfo>,
}

impl DefaultNetwork {
    /// How many distinct availability zones the subnets span (an ALB needs two).
    pub fn zone_count(&self) -> usize {
        let mut zones: Vec<&str> = self
            .subnets
            .iter()
            .map(|s| s.availability_zone.as_str())
            .collect();
        zones.sort_unstable();
        zones.dedup();
        zones.len()
    }
}

/// Finds the region's default VPC and its subnets.
pub async fn default_network(conn: &Connection) -> Result<DefaultNetwork, AwsError> {
    let ec2 = conn.ec2();
    let err = |e| {
        crate::error::classify(
            e,
            "EC2",
            "DescribeVpcs",
            &conn.profile,
            &conn.endpoint_label(),
            conn.practice,
        )
    };
    let vpcs = ec2
        .describe_vpcs()
        .filters(Filter::builder().name("is-default").values("true").build())
        .send()
        .await
        .map_err(err)?;
    let vpc = vpcs.vpcs().first().ok_or_else(|| AwsError::NoDefaultVpc {
        region: conn.region.clone(),
    })?;
    let vpc_id = vpc.vpc_id().unwrap_or_default().to_string();
    let subnets = ec2
        .describe_subnets()
        .filters(Filter::builder().name("vpc-id").values(&vpc_id).build())
        .send()
        .await
        .map_err(|e| {
            crate::error::classify(
                e,
                "EC2",
                "DescribeSubnets",
                &conn.profile,
                &conn.endpoint_label(),
                conn.practice,
            )
        })?;
    let mut subnets: Vec<SubnetInfo> = subnets
        .subnets()
        .iter()
        .map(|s| SubnetInfo {
            id: s.subnet_id().unwrap_or_default().into(),
            availability_zone: s.availability_zone().unwrap_or_default().into(),
            cidr: s.cidr_block().unwrap_or_default().into(),
            public: s.map_public_ip_on_launch().unwrap_or(false),
        })
        .collect();
    subnets.sort_by(|a, b| {
        a.availability_zone
            .cmp(&b.availability_zone)
            .then(a.id.cmp(&b.id))
    });
    Ok(DefaultNetwork {
        vpc_id,
        cidr: vpc.cidr_block().unwrap_or_default().into(),
        subnets,
    })
}

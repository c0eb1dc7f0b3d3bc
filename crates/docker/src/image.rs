//! Local images: whether one exists, what it weighs layer by layer, removing it.

use crate::DockerError;
use bollard::Docker;
use serde::Serialize;
use ts_rs::TS;

/// An image and the layers that make it up, for the "what made my image big?" chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImageReport {
    pub id: String,
    pub tags: Vec<String>,
    /// `linux/amd64`, ...
    pub platform: String,
    #[ts(type = "number")]
    pub size: i64,
    /// Oldest first: the base image's layers, then one per instruction of the Dockerfile.
    pub layers: Vec<Layer>,
}

/// One layer (or a metadata-only step, with size 0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Layer {
    /// The instruction that made it, cleaned of the builder's `/bin/sh -c #(nop)` noise.
    pub instruction: String,
    #[ts(type = "number")]
    pub size: i64,
    /// Whether the layer comes from the base image rather than this Dockerfile.
    pub from_base: bool,
}

/// Whether the engine has an image by this name or id.
pub async fn image_exists(docker: &Docker, image: &str) -> Result<bool, DockerError> {
    match docker.inspect_image(image).await {
        Ok(_) => Ok(true),
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => Ok(false),
        Err(e) => Err(DockerError::Engine(e)),
    }
}

/// Removes an image by name or id, and its untagged parents.
pub async fn remove_image(docker: &Docker, image: &str) -> Result<(), DockerError> {
    let opts = bollard::query_parameters::RemoveImageOptionsBuilder::default()
        .force(true)
        .build();
    docker
        .remove_image(image, Some(opts), None)
        .await
        .map(|_| ())
        .map_err(DockerError::Engine)
}

/// `/bin/sh -c #(nop)  EXPOSE 8080` → `EXPOSE 8080`; `/bin/sh -c pip install` → `RUN pip install`.
pub fn clean_instruction(created_by: &str) -> String {
    let s = created_by.trim();
    if let Some(rest) = s.strip_prefix("/bin/sh -c #(nop)") {
        return rest.trim().to_string();
    }
    if let Some(rest) = s.strip_prefix("/bin/sh -c ") {
        return format!("RUN {}", rest.trim());
    }
    if let Some(rest) = s.strip_prefix("|") {
        // `|2 A=1 B=2 /bin/sh -c cmd`: a RUN with build args.
        if let Some((_, cmd)) = rest.split_once("/bin/sh -c ") {
            return format!("RUN {}", cmd.trim());
        }
    }
    s.to_string()
}

/// The image's layers with the instruction that made each, and its size and platform. Given the
/// final stage's base image, its layers are marked as the base's.
pub async fn inspect_layers(
    docker: &Docker,
    image: &str,
    base: Option<&str>,
) -> Result<ImageReport, DockerError> {
    let inspect = match docker.inspect_image(image).await {
        Ok(i) => i,
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => {
            return Err(DockerError::ImageNotFound {
                image: image.to_string(),
            })
        }
        Err(e) => return Err(DockerError::Engine(e)),
    };
    let history = docker
        .image_history(image)
        .await
        .map_err(DockerError::Engine)?;
    // History comes newest first. The base image's entries are the oldest ones: as many as its
    // own history has (pulled images show "<missing>" ids for those).
    let base_entries = match base {
        Some(b) => docker.image_history(b).await.map(|h| h.len()).ok(),
        None => None,
    };
    let layers: Vec<Layer> = history
        .iter()
        .rev()
        .enumerate()
        .map(|(i, h)| Layer {
            instruction: clean_instruction(&h.created_by),
            size: h.size,
            from_base: match base_entries {
                Some(n) => i < n,
                None => h.id == "<missing>",
            },
        })
        .collect();
    Ok(ImageReport {
        id: inspect.id.unwrap_or_default(),
        tags: inspect.repo_tags.unwrap_or_default(),
        platform: format!(
            "{}/{}",
            inspect.os.unwrap_or_else(|| "linux".into()),
            inspect.architecture.unwrap_or_default()
        ),
        size: inspect.size.unwrap_or(0),
        layers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_noise_is_cleaned_from_instructions() {
        assert_eq!(
            clean_instruction("/bin/sh -c #(nop)  EXPOSE 8080"),
            "EXPOSE 8080"
        );
        assert_eq!(
            clean_instruction("/bin/sh -c pip install -r requirements.txt"),
            "RUN pip install -r requirements.txt"
        );
        assert_eq!(
            clean_instruction("|1 VERSION=2 /bin/sh -c echo $VERSION"),
            "RUN echo $VERSION"
        );
        assert_eq!(
            clean_instruction("COPY file:abc in /app "),
            "COPY file:abc in /app"
        );
    }
}

//! Services: each leaf category, with the description, keywords and fields the admin gave it (服务
//!字段), and the definition a client reads before it posts.

use super::refused;
use crate::{Actor, App, Result};
use domain::open311::{Attribute, AttributeType, AttributeValue, Checked, Open311Error};
use domain::{CategoryId, Error};
use serde::{Deserialize, Serialize};
use store::open311::FieldRow;
use utoipa::ToSchema;

/// A service as `services.{format}` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceView {
    pub service_code: String,
    pub service_name: String,
    pub description: String,
    /// The service asks fields: a client reads its definition first.
    pub metadata: bool,
    pub keywords: String,
    pub group: String,
}

/// One attribute of a service definition.
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeView(pub Attribute);

/// A service as a post is checked against it: its category, name and fields.
#[derive(Debug, Clone)]
pub(crate) struct Service {
    pub category: CategoryId,
    pub name: String,
    pub attributes: Vec<Attribute>,
}

/// What `services/{code}.{format}` answers.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceDefinition {
    pub service_code: String,
    pub attributes: Vec<AttributeView>,
}

/// A field a service asks, as the admin sets it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldInput {
    /// Letters, digits, `_` and `-`: the `attribute[code]` of a posted request.
    pub code: String,
    /// False: a line of display-only text.
    #[serde(default = "yes")]
    pub variable: bool,
    pub datatype: AttributeType,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub datatype_description: Option<String>,
    /// From 1, unique within the service.
    pub order: u32,
    /// The question, as the client shows it.
    pub description: String,
    /// The choices of a `singlevaluelist` or `multivaluelist`.
    #[serde(default)]
    pub values: Vec<AttributeValue>,
}

fn yes() -> bool {
    true
}

/// A leaf category's service settings, set whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceInput {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub fields: Vec<FieldInput>,
}

/// A leaf category's service settings as stored.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ServiceSettings {
    pub category_id: CategoryId,
    /// The Open311 `service_code`.
    pub service_code: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub fields: Vec<FieldInput>,
}

fn attribute_of(f: FieldRow) -> Result<Attribute> {
    let values: Vec<AttributeValue> = serde_json::from_str(&f.choices)
        .map_err(|e| Error::internal_from(format!("the stored choices of field {}", f.code), e))?;
    Ok(Attribute {
        code: f.code,
        variable: f.variable,
        datatype: f.datatype,
        required: f.required,
        datatype_description: f.datatype_description,
        order: u32::try_from(f.position).unwrap_or_default(),
        description: f.description,
        values,
    })
}

fn field_input(a: Attribute) -> FieldInput {
    FieldInput {
        code: a.code,
        variable: a.variable,
        datatype: a.datatype,
        required: a.required,
        datatype_description: a.datatype_description,
        order: a.order,
        description: a.description,
        values: a.values,
    }
}

/// Checks a service's settings: codes well formed and unique, orders unique and positive, list
/// fields with choices (unique keys), and no choices on other fields.
fn check(input: &ServiceInput) -> Result<Vec<FieldRow>> {
    let text = |field: String, v: &str, max: usize| -> Result<String> {
        let v = v.trim();
        if v.chars().count() > max {
            return Err(Error::invalid(field, format!("不能超过{max}个字符"), format!("at most {max} characters")));
        }
        Ok(v.to_string())
    };
    text("description".into(), &input.description, 2000)?;
    let mut rows: Vec<FieldRow> = Vec::with_capacity(input.fields.len());
    for (i, f) in input.fields.iter().enumerate() {
        let at = |name: &str| format!("fields[{i}].{name}");
        let code = f.code.trim();
        if code.is_empty()
            || code.len() > 50
            || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(Error::invalid(
                at("code"),
                "字段代码须为1–50个字母、数字、下划线或连字符",
                "a field code is 1–50 letters, digits, _ or -",
            ));
        }
        if rows.iter().any(|r| r.code == code) {
            return Err(Error::invalid(
                at("code"),
                format!("字段代码“{code}”重复"),
                format!("field code \"{code}\" twice"),
            ));
        }
        if f.order == 0 || rows.iter().any(|r| r.position == i64::from(f.order)) {
            return Err(Error::invalid(
                at("order"),
                "顺序号须为正整数且不重复",
                "order is a positive number, once each",
            ));
        }
        let description = text(at("description"), &f.description, 500)?;
        if description.is_empty() {
            return Err(Error::invalid(at("description"), "请填写字段说明", "a field needs a description"));
        }
        if f.datatype.is_list() {
            let mut keys: Vec<&str> = Vec::new();
            for (j, v) in f.values.iter().enumerate() {
                if v.key.trim().is_empty() || v.name.trim().is_empty() || keys.contains(&v.key.trim()) {
                    return Err(Error::invalid(
                        format!("fields[{i}].values[{j}]"),
                        "每个选项须有不重复的键和名称",
                        "each choice needs a key, used once, and a name",
                    ));
                }
                keys.push(v.key.trim());
            }
            if keys.is_empty() {
                return Err(Error::invalid(at("values"), "单选、多选字段须有选项", "a list field needs choices"));
            }
        } else if !f.values.is_empty() {
            return Err(Error::invalid(at("values"), "只有单选、多选字段才有选项", "only list fields have choices"));
        }
        let values: Vec<AttributeValue> = f
            .values
            .iter()
            .map(|v| AttributeValue { key: v.key.trim().to_string(), name: v.name.trim().to_string() })
            .collect();
        rows.push(FieldRow {
            code: code.to_string(),
            variable: f.variable,
            datatype: f.datatype,
            required: f.required && f.variable,
            datatype_description: f
                .datatype_description
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_owned),
            position: i64::from(f.order),
            description,
            choices: serde_json::to_string(&values).map_err(|e| Error::internal_from("choices", e))?,
        });
    }
    Ok(rows)
}

impl App {
    /// Every service: the leaf categories.
    pub async fn open311_services(&self, jurisdiction: Option<&str>) -> Checked<Vec<ServiceView>> {
        self.open311_jurisdiction(jurisdiction).await?;
        let mut pooled = self.db.acquire().await.map_err(refused)?;
        let rows = store::open311::services(&mut pooled.conn()).await.map_err(refused)?;
        Ok(rows
            .into_iter()
            .map(|r| ServiceView {
                service_code: r.category_id.to_string(),
                description: r.description.filter(|d| !d.is_empty()).unwrap_or_else(|| r.name.clone()),
                service_name: r.name.clone(),
                metadata: r.fields > 0,
                keywords: r.keywords.unwrap_or_default(),
                group: r.group_name.unwrap_or(r.name),
            })
            .collect())
    }

    /// The leaf category a service code names; 404 for any other code.
    pub(crate) async fn open311_service(&self, code: &str) -> Checked<Service> {
        let unknown = || Open311Error::not_found(format!("service_code \"{code}\" is not a service here"));
        let id = code.trim().parse::<i64>().map_err(|_| unknown())?;
        let generation = self.generation().await.map_err(refused)?;
        if let Some(hit) = self.open311_services.get_across_intake(&id, generation, &self.generation) {
            return Ok(hit);
        }
        let mut pooled = self.db.acquire().await.map_err(refused)?;
        let mut c = pooled.conn();
        let service = store::open311::services(&mut c)
            .await
            .map_err(refused)?
            .into_iter()
            .find(|s| s.category_id.get() == id)
            .ok_or_else(unknown)?;
        let fields = store::open311::fields(&mut c, service.category_id).await.map_err(refused)?;
        let attributes = fields.into_iter().map(attribute_of).collect::<Result<Vec<_>>>().map_err(refused)?;
        let found = Service { category: service.category_id, name: service.name, attributes };
        self.open311_services.put(id, generation, found.clone());
        Ok(found)
    }

    /// A service's definition.
    pub async fn open311_definition(&self, jurisdiction: Option<&str>, code: &str) -> Checked<ServiceDefinition> {
        self.open311_jurisdiction(jurisdiction).await?;
        let Service { category: id, attributes, .. } = self.open311_service(code).await?;
        Ok(ServiceDefinition {
            service_code: id.to_string(),
            attributes: attributes.into_iter().map(AttributeView).collect(),
        })
    }

    /// A leaf category's service settings (admin).
    pub async fn service_settings(&self, actor: &Actor, category: CategoryId) -> Result<ServiceSettings> {
        actor.admin()?;
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        if store::categories::get_category(&mut c, category).await?.is_none() {
            return Err(Error::not_found("category"));
        }
        let row = store::open311::services(&mut c).await?.into_iter().find(|s| s.category_id == category).ok_or_else(
            || {
                Error::invalid(
                    "category_id",
                    "只有末级分类才是服务",
                    "only a category without sub-categories is a service",
                )
            },
        )?;
        let fields = store::open311::fields(&mut c, category).await?;
        Ok(ServiceSettings {
            category_id: category,
            service_code: category.to_string(),
            description: row.description.unwrap_or_default(),
            keywords: row
                .keywords
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(str::to_owned)
                .collect(),
            fields: fields.into_iter().map(attribute_of).map(|a| a.map(field_input)).collect::<Result<_>>()?,
        })
    }

    /// Sets a leaf category's service settings, whole (admin); on the record.
    pub async fn set_service_settings(
        &self,
        actor: &Actor,
        category: CategoryId,
        input: &ServiceInput,
    ) -> Result<ServiceSettings> {
        let before = self.service_settings(actor, category).await?;
        let rows = check(input)?;
        let keywords: Vec<String> =
            input.keywords.iter().map(|k| k.trim().replace(',', " ")).filter(|k| !k.is_empty()).collect();
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        store::open311::set_service(&mut c, category, input.description.trim(), &keywords.join(","), &rows, now)
            .await?;
        let after = ServiceSettings {
            description: input.description.trim().to_string(),
            keywords,
            fields: rows.into_iter().map(attribute_of).map(|a| a.map(field_input)).collect::<Result<_>>()?,
            ..before.clone()
        };
        crate::audit::Entry::new(actor, "category.service", "category", Some(category.get()))
            .before(&before)?
            .after(&after)?
            .record(&mut c, now)
            .await?;
        self.commit(tx).await?;
        Ok(after)
    }
}

//! What every benchmark command needs: a database of its own on the server DATABASE_URL names,
//! so a run never touches the portal's data, and removed afterwards.
use sqlx::PgPool;

pub type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

pub struct OwnDatabase {
    admin: PgPool,
    name: &'static str,
    /// The portal's pool settings over the new, migrated database.
    pub pool: PgPool,
}

impl OwnDatabase {
    pub async fn create(name: &'static str, max_connections: u32) -> BenchResult<Self> {
        let base = std::env::var("DATABASE_URL").map_err(|_| "DATABASE_URL is not set (the make target sets it)")?;
        let server_url = base.rsplit_once('/').map(|(server, _)| server).ok_or("DATABASE_URL has no database name")?;
        let admin = PgPool::connect(&format!("{server_url}/postgres")).await?;
        sqlx::query(&format!("drop database if exists {name} with (force)")).execute(&admin).await?;
        sqlx::query(&format!("create database {name}")).execute(&admin).await?;
        let pool = server::connect(&format!("{server_url}/{name}"), max_connections).await?;
        server::MIGRATOR.run(&pool).await?;
        Ok(OwnDatabase { admin, name, pool })
    }

    pub async fn remove(self) -> BenchResult<()> {
        self.pool.close().await;
        sqlx::query(&format!("drop database if exists {} with (force)", self.name)).execute(&self.admin).await?;
        Ok(())
    }
}

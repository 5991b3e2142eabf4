import asyncio


async def fetch(url: str) -> str:
    await asyncio.sleep(0)
    return url


def parse(text: str) -> list[str]:
    return text.split()

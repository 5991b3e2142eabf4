import asyncio


class Client:
    def __init__(self) -> None:
        self.queue: asyncio.Queue[int] = asyncio.Queue()
        self.lock = asyncio.Lock()
        self.ready = asyncio.Event()

    async def connect(self) -> None:
        await asyncio.sleep(0)

    @classmethod
    async def create(cls) -> "Client":
        client = cls()
        client.connect()  # seeded
        return client

    @staticmethod
    async def ping() -> None:
        await asyncio.sleep(0)

    def close(self) -> None:
        pass

    async def run(self) -> None:
        self.connect()  # seeded
        self.ping()  # seeded
        self.close()
        self.queue.put(1)  # seeded
        self.lock.acquire()  # seeded
        self.ready.wait()  # seeded
        await self.connect()
        async with self.lock:
            pass


async def use_locals() -> None:
    queue: asyncio.Queue[str] = asyncio.Queue()
    queue.put("x")  # seeded
    queue.put_nowait("y")
    event = asyncio.Event()
    event.wait()  # seeded
    event.set()
    client = Client()
    client.connect()  # seeded
    Client.create()  # seeded
    await queue.get()

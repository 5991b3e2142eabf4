"""Задачи: asyncio.create_task() планирует корутину, и она выполняется конкурентно с вызывающим кодом."""
import asyncio

background_tasks = set()  # сильные ссылки: цикл событий хранит только слабые


async def download(name: str, seconds: float) -> str:
    print(f"{name}: start")
    await asyncio.sleep(seconds)
    print(f"{name}: done")  # lens: stop here
    return f"{name}.zip"


async def main() -> None:
    # create_task() возвращается сразу; задача начнёт выполняться на следующем обороте цикла.
    a = asyncio.create_task(download("a", 1.5), name="download-a")
    b = asyncio.create_task(download("b", 1.0), name="download-b")
    print("tasks created, main goes on")
    # Обе качают, пока main ждёт: это около 1,5 с, а не 2,5 с.
    print("results:", await a, await b)

    # «Запустил и забыл»: храните ссылку, пока задача не завершится, иначе она может пропасть на полпути.
    task = asyncio.create_task(download("log", 0.1))
    background_tasks.add(task)
    task.add_done_callback(background_tasks.discard)
    await asyncio.sleep(0.3)
    print("background tasks left:", len(background_tasks))


if __name__ == "__main__":
    asyncio.run(main())
